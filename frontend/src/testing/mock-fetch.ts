import { vi } from 'vitest';

export interface RecordedCall {
  method: string;
  url: URL;
  body: unknown;
}

type Responder = (call: RecordedCall) => Response | Promise<Response>;

export const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

export const apiError = (status: number, code: string, message: string, field?: string): Response =>
  json({ error: { code, message, ...(field ? { field } : {}) } }, status);

/** Network mocked at the fetch boundary only: routes are "METHOD /path" → responder. */
export function mockFetch(routes: Record<string, Responder>) {
  const calls: RecordedCall[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const method = init?.method ?? 'GET';
    const call = { method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(call);
    const path = decodeURIComponent(url.pathname);
    const responder = routes[`${method} ${path}`];
    if (!responder) return apiError(404, 'not_found', `no mock for ${method} ${path}`);
    return responder(call);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}
