import { describe, expect, it, vi } from 'vitest';
import { ApiError, api, apiRequest, apiUrl, onUnauthorized } from '@/lib/api-client';
import { apiError, json, mockFetch } from '@/testing/mock-fetch';

describe('apiRequest', () => {
  it('sends the cookie same-origin and JSON bodies, dropping empty query values', async () => {
    const { fetchMock } = mockFetch({ 'PATCH /api/x': () => json({ ok: true }) });
    await apiRequest('/api/x', { method: 'PATCH', body: { a: 1 }, query: { q: 'x y', empty: '', none: null } });
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe('/api/x?q=x+y');
    expect(init?.credentials).toBe('same-origin');
    expect(init?.body).toBe('{"a":1}');
  });

  it('surfaces the JSON error body as an ApiError', async () => {
    mockFetch({ 'GET /api/x': () => apiError(400, 'invalid_request', 'not a WhatsApp JID', 'jid') });
    const error = await apiRequest('/api/x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_request', message: 'not a WhatsApp JID', field: 'jid' });
  });

  it('reports a lost session on 401, but not for a wrong password', async () => {
    const listener = vi.fn();
    onUnauthorized(listener);
    mockFetch({
      'GET /api/chats': () => apiError(401, 'unauthorized', 'no credentials'),
      'POST /api/auth/login': () => apiError(401, 'unauthorized', 'wrong password'),
    });
    await expect(apiRequest('/api/auth/login', { method: 'POST', body: { password: 'x' } })).rejects.toThrow(
      'wrong password',
    );
    expect(listener).not.toHaveBeenCalled();
    await expect(apiRequest('/api/chats')).rejects.toThrow('no credentials');
    expect(listener).toHaveBeenCalledOnce();
    onUnauthorized(null);
  });

  it('turns a network failure into a readable error', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))),
    );
    await expect(apiRequest('/api/x')).rejects.toMatchObject({ code: 'network_error' });
  });
});

describe('api (typed by the OpenAPI document)', () => {
  it('fills the path template URL-encoded, sends the query and the method, and answers the JSON', async () => {
    const { calls } = mockFetch({
      'GET /api/chats/1203@g.us/messages': () =>
        json({ items: [], has_older: false, has_newer: false, older_cursor: null, newer_cursor: null }),
      'PATCH /api/tracking/a/b@s.whatsapp.net': () => json({ jid: 'a/b@s.whatsapp.net' }),
    });
    const page = await api.get('/api/chats/{jid}/messages', {
      path: { jid: '1203@g.us' },
      query: { before: 'c', limit: 5 },
    });
    expect(page.has_older).toBe(false);
    await api.patch('/api/tracking/{jid}', { path: { jid: 'a/b@s.whatsapp.net' }, body: { is_tracked: true } });
    expect(calls.map((call) => `${call.method} ${call.url.pathname}${call.url.search}`)).toEqual([
      'GET /api/chats/1203%40g.us/messages?before=c&limit=5',
      'PATCH /api/tracking/a%2Fb%40s.whatsapp.net',
    ]);
    expect(calls[1]?.body).toEqual({ is_tracked: true });
  });

  it('refuses at compile time what the API does not have', () => {
    const typeOnly = (call: () => unknown) => expect(call).toBeTypeOf('function'); // never called
    // @ts-expect-error no such path
    typeOnly(() => api.get('/api/nope'));
    // @ts-expect-error the path has no PATCH
    typeOnly(() => api.patch('/api/chats'));
    // @ts-expect-error {jid} not given
    typeOnly(() => api.get('/api/chats/{jid}'));
    // @ts-expect-error the body is required
    typeOnly(() => api.post('/api/connector/pair-phone'));
    // @ts-expect-error search needs q
    typeOnly(() => api.get('/api/search', { query: { chat: 'x' } }));
    // @ts-expect-error no such query parameter
    typeOnly(() => api.get('/api/chats', { query: { nope: 1 } }));
    // @ts-expect-error the answer is a ChatPage, not a Chat
    typeOnly((): Promise<{ jid: string }> => api.get('/api/chats'));
  });

  it("builds URLs from the API's templates", () => {
    expect(apiUrl('/api/media/{file_id}/thumbnail', { file_id: 'a b' })).toBe('/api/media/a%20b/thumbnail');
    expect(() => apiUrl('/api/media/{file_id}')).toThrow('{file_id}');
  });
});
