import type { paths } from '@/lib/api-schema';
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

/** Until the account store chooses: the URL's `?account=`, so that the start's session check names it. */
let scopeAccount: string | null =
  typeof location === 'undefined' ? null : new URLSearchParams(location.search).get('account') || null;

/** The account scoped calls name, null: none (the API's only account). Set by the account store
 * (src/stores/account-store.ts), which subscribes: this module imports no store, so the start
 * without React (src/main.ts → the session check) loads neither zustand nor React. */
export function setApiAccount(account: string | null): void {
  scopeAccount = account;
}

/** Routes of the installation, not of one account: everything else is scoped by `account`. */
const UNSCOPED = /^\/api\/(accounts|auth|health)(\/|\?|$)/;

/** The query with the chosen account added, the one place every call gets it;
 * a query naming `account` itself keeps its own (null: none, e.g. search across all accounts). */
export function withAccount(path: string, query?: Record<string, QueryValue>): Record<string, QueryValue> | undefined {
  const account = scopeAccount;
  if (account === null || UNSCOPED.test(path) || query?.account !== undefined) return query;
  return { ...query, account };
}

/** A same-origin API URL the server made (media, pictures, uploads, downloads) scoped to the chosen
 * account like every call; other URLs (a bucket's presigned ones) as they are. */
export function scopedUrl(url: string): string;
export function scopedUrl(url: string | null): string | null;
export function scopedUrl(url: string | null | undefined): string | null | undefined;
export function scopedUrl(url: string | null | undefined): string | null | undefined {
  const account = scopeAccount;
  if (!url || account === null || !url.startsWith('/api/') || UNSCOPED.test(url) || /[?&]account=/.test(url))
    return url;
  return `${url}${url.includes('?') ? '&' : '?'}account=${encodeURIComponent(account)}`; // per avatar row: no parsing
}

/** The one fetch wrapper: same-origin cookie, JSON in and out, errors as ApiError. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', query, body, signal } = options;
  let response: Response;
  try {
    response = await fetch(buildUrl(path, withAccount(path, query)), {
      method,
      credentials: 'same-origin',
      headers:
        body === undefined
          ? { Accept: 'application/json' }
          : { Accept: 'application/json', 'Content-Type': 'application/json' },
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

// --- Typed by the API's OpenAPI document (src/lib/api-schema.d.ts) ---------------------------

type HttpMethod = 'get' | 'post' | 'patch' | 'delete';

/** The API's paths, as its templates (`/api/chats/{jid}`), that answer `M`: a path or method the API
 * lacks does not typecheck. */
export type ApiPath<M extends HttpMethod> = {
  [P in keyof paths]: paths[P][M] extends undefined ? never : P;
}[keyof paths];
type Operation<P extends keyof paths, M extends HttpMethod> = Exclude<paths[P][M], undefined>;

type PathParams<Op> = Op extends { parameters: { path: infer V } } ? V : never;
type QueryParams<Op> = Op extends { parameters: { query?: infer V } } ? Exclude<V, undefined> : never;
type JsonBody<Op> = Op extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;
/** The answer of a success status: its JSON, or undefined for 204. */
export type ApiAnswer<Op> = Op extends { responses: infer R }
  ? {
      [S in keyof R]: S extends 200 | 201 | 202
        ? R[S] extends { content: { 'application/json': infer B } }
          ? B
          : never
        : S extends 204
          ? undefined
          : never;
    }[keyof R]
  : never;

type CallOptions<Op> = { signal?: AbortSignal } & ([PathParams<Op>] extends [never]
  ? { path?: never }
  : { path: PathParams<Op> }) &
  ([QueryParams<Op>] extends [never]
    ? { query?: never }
    : Op extends { parameters: { query: object } }
      ? { query: QueryParams<Op> }
      : { query?: QueryParams<Op> }) &
  ([JsonBody<Op>] extends [never] ? { body?: never } : { body: JsonBody<Op> });
type CallArgs<O> = Partial<Record<keyof O, never>> extends O ? [options?: O] : [options: O];

/** A path template filled with its parameters, each URL-encoded. */
export function apiUrl<P extends keyof paths>(path: P, params: Record<string, string | number> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${path}: no value for {${name}}`);
    return encodeURIComponent(String(value));
  });
}

function operation<M extends HttpMethod>(method: M) {
  return <P extends ApiPath<M>>(
    path: P,
    ...[options]: CallArgs<CallOptions<Operation<P, M>>>
  ): Promise<ApiAnswer<Operation<P, M>>> => {
    const {
      path: params,
      query,
      body,
      signal,
    } = (options ?? {}) as {
      path?: Record<string, string | number>;
      query?: Record<string, QueryValue>;
      body?: unknown;
      signal?: AbortSignal;
    };
    const verb = method.toUpperCase() as NonNullable<RequestOptions['method']>;
    return apiRequest<ApiAnswer<Operation<P, M>>>(apiUrl(path, params), { method: verb, query, body, signal });
  };
}

/** The API by operation: `api.get('/api/chats/{jid}', { path: { jid } })` answers a ChatDetail;
 * path, query, body and answer types all come from the OpenAPI document. */
export const api = {
  get: operation('get'),
  post: operation('post'),
  patch: operation('patch'),
  delete: operation('delete'),
};

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

export const mediaUrl = (fileId: string): string => scopedUrl(apiUrl('/api/media/{file_id}', { file_id: fileId }));
export const thumbnailUrl = (fileId: string): string =>
  scopedUrl(apiUrl('/api/media/{file_id}/thumbnail', { file_id: fileId }));
