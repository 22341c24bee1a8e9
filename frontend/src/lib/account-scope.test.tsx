import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { api, scopedUrl, withAccount } from '@/lib/api-client';
import { useRemote } from '@/lib/use-remote';
import { useAccountStore } from '@/stores/account-store';
import { json, mockFetch } from '@/testing/mock-fetch';

const choose = (id: string | null) => act(() => useAccountStore.getState().choose(id));

describe('the account in the API client', () => {
  it('adds the chosen account to every scoped call, not to the installation’s routes', async () => {
    const { calls } = mockFetch({
      'GET /api/chats': () => json({ items: [], next_cursor: null }),
      'GET /api/accounts': () => json([]),
      'GET /api/search': () => json({ items: [], next_cursor: null }),
    });
    await api.get('/api/chats');
    expect(calls[0]?.url.searchParams.has('account')).toBe(false); // none chosen: the API's only account
    choose('sales');
    await api.get('/api/chats', { query: { q: 'x' } });
    await api.get('/api/accounts');
    await api.get('/api/search', { query: { q: 'x', account: null } });
    expect(calls.slice(1).map((call) => call.url.search)).toEqual(['?q=x&account=sales', '', '?q=x']);
  });

  it('scopes the server’s own /api URLs, leaves other URLs alone', () => {
    choose('a&b');
    expect(scopedUrl('/api/pictures/1%40s.whatsapp.net?v=7')).toBe(
      '/api/pictures/1%40s.whatsapp.net?v=7&account=a%26b',
    );
    expect(scopedUrl('/api/media/f1')).toBe('/api/media/f1?account=a%26b');
    expect(scopedUrl('https://bucket.example/x?X-Amz-Signature=1')).toBe('https://bucket.example/x?X-Amz-Signature=1');
    expect(scopedUrl(null)).toBeNull();
    expect(withAccount('/api/auth/login', {})).toEqual({});
    expect(withAccount('/api/healthz', {})).toEqual({ account: 'a&b' });
  });
});

describe('useRemote across accounts', () => {
  it('drops the other account’s data on a switch and loads this account’s', async () => {
    const { calls } = mockFetch({
      'GET /api/chats/x': (call) => json({ owner: call.url.searchParams.get('account') }),
    });
    choose('home');
    const { result } = renderHook(() =>
      useRemote('chat x', (signal) => api.get('/api/chats/{jid}', { path: { jid: 'x' }, signal })),
    );
    await waitFor(() => expect(result.current.data).toMatchObject({ owner: 'home' }));
    choose('sales');
    expect(result.current.data).toBeUndefined();
    expect(result.current.loading).toBe(true);
    await waitFor(() => expect(result.current.data).toMatchObject({ owner: 'sales' }));
    expect(calls.map((call) => call.url.searchParams.get('account'))).toEqual(['home', 'sales']);
  });
});
