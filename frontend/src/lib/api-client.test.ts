import { describe, expect, it, vi } from 'vitest';
import { ApiError, apiRequest, onUnauthorized } from '@/lib/api-client';
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
    await expect(apiRequest('/api/auth/login', { method: 'POST', body: { password: 'x' } })).rejects.toThrow('wrong password');
    expect(listener).not.toHaveBeenCalled();
    await expect(apiRequest('/api/chats')).rejects.toThrow('no credentials');
    expect(listener).toHaveBeenCalledOnce();
    onUnauthorized(null);
  });

  it('turns a network failure into a readable error', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(apiRequest('/api/x')).rejects.toMatchObject({ code: 'network_error' });
  });
});
