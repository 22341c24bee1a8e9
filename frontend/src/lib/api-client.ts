import type { ErrorBody } from '@/lib/api-types';

/** An API failure as the UI shows it: the JSON error body, or a synthesized one for network faults. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | null;

  constructor(status: number, body: ErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.field = body.field ?? null;
  }
}

type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
}

let unauthorizedListener: (() => void) | null = null;

/** The app learns here that the session cookie is gone (any 401 outside login). */
export function onUnauthorized(listener: (() => void) | null): void {
  unauthorizedListener = listener;
}

export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/** The one fetch wrapper: same-origin cookie, JSON in and out, errors as ApiError. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', query, body, signal } = options;
  let response: Response;
  try {
    response = await fetch(buildUrl(path, query), {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, { code: 'network_error', message: 'The server cannot be reached.' });
  }
  if (!response.ok) throw await toApiError(response, path);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

async function toApiError(response: Response, path: string): Promise<ApiError> {
  if (response.status === 401 && path !== '/api/auth/login') unauthorizedListener?.();
  try {
    const parsed: unknown = await response.json();
    if (isErrorResponse(parsed)) return new ApiError(response.status, parsed.error);
  } catch {
    // not JSON: fall through to a generic error naming the status
  }
  return new ApiError(response.status, { code: 'http_error', message: `Request failed (HTTP ${response.status}).` });
}

function isErrorResponse(value: unknown): value is { error: ErrorBody } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && 'message' in error && 'code' in error;
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.field ? `${error.message} (${error.field})` : error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

export const mediaUrl = (fileId: string): string => `/api/media/${encodeURIComponent(fileId)}`;
export const thumbnailUrl = (fileId: string): string => `/api/media/${encodeURIComponent(fileId)}/thumbnail`;
