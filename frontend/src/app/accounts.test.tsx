import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useAccountStore } from '@/stores/account-store';
import { useNavigationStore } from '@/stores/navigation-store';
import SignedIn from '@/app/signed-in';
import { makeAccount, makeChat, makeSession } from '@/testing/fixtures';
import { json, mockFetch, type RecordedCall } from '@/testing/mock-fetch';

const HOSTILE = '<img src=x onerror="window.pwned=1">Sales';
const accounts = [
  makeAccount('home', { display_name: 'Home', connection: 'connected' }),
  makeAccount('sales', { display_name: HOSTILE, connection: 'waiting_for_qr' }),
];
const anna = makeChat(1, { name: 'Anna' });
const chats: Record<string, ReturnType<typeof makeChat>[]> = {
  home: [anna],
  sales: [makeChat(2, { name: 'Customer Bob' })],
};

/** Two accounts, each with its own chats; `hold` keeps an account's chat list pending. */
function serve() {
  const held = new Map<string, () => void>();
  const hold = (account: string) => new Promise<void>((resolve) => held.set(account, resolve));
  let pending: Promise<void> | null = null;
  const chatsOf = async (call: RecordedCall) => {
    const account = call.url.searchParams.get('account') ?? '';
    if (pending && held.has(account)) await pending;
    return json({ items: chats[account] ?? [], next_cursor: null });
  };
  const mocked = mockFetch({
    'GET /api/accounts': () => json(accounts),
    'GET /api/session': () => json(makeSession()),
    'GET /api/chats': chatsOf,
    'GET /api/changes': () => json({ revision: 1, reset: false, chats: [] }),
  });
  return {
    ...mocked,
    holdChats: (account: string) => (pending = hold(account)),
    release: (account: string) => held.get(account)?.(),
  };
}

const chatNames = () =>
  within(screen.getByRole('listbox', { name: 'Chats' }))
    .queryAllByRole('option')
    .map((row) => row.textContent ?? '');

beforeEach(() => {
  window.history.replaceState(null, '', '/');
  window.localStorage.clear();
});
afterEach(() => vi.useRealTimers());

describe('the account switcher', () => {
  it('lists every account with its state dot, hostile names as text', async () => {
    serve();
    render(<SignedIn />);
    const toggle = await screen.findByRole('button', { name: 'Account: Home (connected)' });
    await userEvent.click(toggle);
    const list = screen.getByRole('list', { name: 'Switch account' });
    const [first, second] = within(list).getAllByRole('button') as [HTMLElement, HTMLElement];
    const items = [first, second];
    expect(items.map((item) => item.textContent)).toEqual(['Homeconnected', `${HOSTILE}not linked`]);
    expect(within(first).getByRole('img', { name: 'connected' }).dataset.tone).toBe('ok');
    expect(within(second).getByRole('img', { name: 'not linked' }).dataset.tone).toBe('link');
    expect(first.getAttribute('aria-current')).toBe('true');
    expect(document.querySelector('img[src="x"]')).toBeNull();
    expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
  });

  it('scopes every call to the chosen account and never shows the other account’s chats after a switch', async () => {
    const { calls, holdChats, release } = serve();
    render(<SignedIn />);
    await waitFor(() => expect(chatNames().join()).toContain('Anna'));
    expect(useAccountStore.getState().current).toBe('home');
    expect(new URL(window.location.href).searchParams.get('account')).toBe('home');
    holdChats('sales');
    const before = calls.length;
    await userEvent.click(screen.getByRole('button', { name: /^Account: Home/ }));
    await userEvent.click(screen.getByRole('button', { name: /Customer|Sales/ }));
    // While the sales account's chats load, none of home's are on screen.
    await waitFor(() => expect(screen.queryByText('Anna')).toBeNull());
    expect(screen.queryByText('Customer Bob')).toBeNull();
    release('sales');
    expect(await screen.findByText('Customer Bob')).toBeTruthy();
    expect(screen.queryByText('Anna')).toBeNull();
    const scoped = calls.slice(before).filter((call) => call.url.pathname !== '/api/accounts');
    expect(scoped.length).toBeGreaterThan(0);
    for (const call of scoped)
      expect(`${call.url.pathname} ${call.url.searchParams.get('account')}`).toMatch(/ sales$/);
    expect(
      calls
        .filter((call) => call.url.pathname === '/api/accounts')
        .every((call) => !call.url.searchParams.has('account')),
    ).toBe(true);
    expect(new URL(window.location.href).searchParams.get('account')).toBe('sales');
    expect(window.localStorage.getItem('deeplens.account')).toBe('sales');
  });

  it('closes the open chat of the account left, and back returns to it', async () => {
    serve();
    render(<SignedIn />);
    await waitFor(() => expect(chatNames().join()).toContain('Anna'));
    act(() => useNavigationStore.getState().openChat(anna.jid));
    act(() => useAccountStore.getState().choose('sales'));
    expect(useNavigationStore.getState().selectedChatJid).toBeNull();
    expect(await screen.findByText('Customer Bob')).toBeTruthy();
    act(() => window.history.back());
    await waitFor(() => expect(useAccountStore.getState().current).toBe('home'));
    expect(await screen.findByText('Anna')).toBeTruthy();
  });

  it('starts with the account the URL names', async () => {
    window.history.replaceState(null, '', '/?account=sales');
    const { calls } = serve();
    render(<SignedIn />);
    expect(await screen.findByText('Customer Bob')).toBeTruthy();
    expect(calls.find((call) => call.url.pathname === '/api/chats')?.url.searchParams.get('account')).toBe('sales');
  });
});

describe('an unlinked account among several', () => {
  it('shows the archive shell with its banner, not the landing pairing page', async () => {
    mockFetch({
      'GET /api/accounts': () => json(accounts),
      'GET /api/session': () =>
        json(makeSession({ state: 'waiting_for_qr', qr_code: '2@x', account_jid: null, has_archive: false })),
      'GET /api/chats': () => json({ items: [], next_cursor: null }),
    });
    window.history.replaceState(null, '', '/?account=sales');
    render(<SignedIn />);
    expect(await screen.findByText('No chats yet.')).toBeTruthy();
    expect(screen.getByRole('button', { name: /^Account: / })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Link WhatsApp' })).toBeNull();
  });
});

describe('a single account', () => {
  it('shows no switcher; the ☰ menu opens the accounts view', async () => {
    mockFetch({
      'GET /api/accounts': () => json([accounts[0]]),
      'GET /api/session': () => json(makeSession()),
      'GET /api/chats': () => json({ items: chats.home, next_cursor: null }),
    });
    render(<SignedIn />);
    expect(await screen.findByText('Anna')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^Account: / })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Menu' }));
    await userEvent.click(screen.getByRole('button', { name: 'WhatsApp accounts' }));
    expect(await screen.findByRole('form', { name: 'Add account' })).toBeTruthy();
  });
});
