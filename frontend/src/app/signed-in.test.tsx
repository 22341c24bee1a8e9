import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectorSession } from '@/lib/api-types';
import { useNavigationStore } from '@/stores/navigation-store';
import { POLL_INTERVAL_MS } from '@/features/pairing/api/session-api';
import SignedIn from '@/app/signed-in';
import { makeChat, makeSession, unpairedSession } from '@/testing/fixtures';
import { json, mockFetch } from '@/testing/mock-fetch';

const chat = makeChat(1, { name: 'Anna' });
const emptyPage = { items: [], has_older: false, has_newer: false, older_cursor: null, newer_cursor: null };

/** The archive API with a connector session the test changes as the connector would. */
function serve(initial: ConnectorSession) {
  let session = initial;
  const mocked = mockFetch({
    'GET /api/session': () => json(session),
    'GET /api/chats': () => json({ items: [chat], next_cursor: null }),
    [`GET /api/chats/${chat.jid}`]: () => json({ ...chat, message_count: 0, participants: [] }),
    [`GET /api/chats/${chat.jid}/messages`]: () => json(emptyPage),
  });
  return { ...mocked, setSession: (next: ConnectorSession) => (session = next) };
}

/** The next poll of GET /api/session. */
const nextPoll = () => act(() => vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS + 50));

let user: ReturnType<typeof userEvent.setup>;
beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
  window.history.replaceState(null, '');
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SignedIn', () => {
  it('lands on the pairing screen while nothing is archived', async () => {
    serve(unpairedSession({ has_archive: false }));
    render(<SignedIn />);
    expect(await screen.findByRole('heading', { name: 'Link WhatsApp' })).toBeTruthy();
    expect(screen.queryByRole('listbox', { name: 'Chats' })).toBeNull();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('lands on the archive when something is archived, the banner offering to link', async () => {
    serve(unpairedSession({ has_archive: true }));
    render(<SignedIn />);
    expect(await screen.findByRole('listbox', { name: 'Chats' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Link WhatsApp' })).toBeNull();
    const banner = screen.getAllByRole('status').find((element) => element.className === 'connector-banner');
    expect(banner?.textContent).toContain('WhatsApp is not linked');
    expect(within(banner as HTMLElement).getByRole('button', { name: 'Link WhatsApp' })).toBeTruthy();
  });

  it('keeps the open chat when the connector loses its link: a banner, and pairing as a dialog', async () => {
    const { setSession } = serve(makeSession());
    render(<SignedIn />);
    await user.click(await screen.findByText('Anna'));
    expect(await screen.findByRole('region', { name: 'Chat Anna' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Link WhatsApp' })).toBeNull();

    setSession(unpairedSession({ detail: 'logged out on the phone' }));
    await nextPoll();
    const link = await screen.findByRole('button', { name: 'Link WhatsApp' });
    expect(screen.getByRole('region', { name: 'Chat Anna' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Link WhatsApp' })).toBeNull();

    setSession(makeSession({ state: 'offline', detail: 'no network' }));
    await nextPoll();
    expect(await screen.findByText(/offline \(no network\)/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Restart connector' })).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Chat Anna' })).toBeTruthy();
    expect(link.isConnected).toBe(false);

    setSession(unpairedSession());
    await nextPoll();
    await user.click(await screen.findByRole('button', { name: 'Link WhatsApp' }));
    const dialog = await screen.findByRole('dialog', { name: 'Link WhatsApp' });
    expect(within(dialog).getByLabelText('WhatsApp pairing code')).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Chat Anna' }).closest('[inert]')).not.toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByRole('region', { name: 'Chat Anna' }).closest('[inert]')).toBeNull();
  });

  it('does not come back to the landing page once the archive was shown', async () => {
    const { setSession } = serve(makeSession({ has_archive: false, history_progress: 10 }));
    render(<SignedIn />);
    expect(await screen.findByRole('listbox', { name: 'Chats' })).toBeTruthy();
    setSession(unpairedSession({ has_archive: false }));
    await nextPoll();
    expect(await screen.findByRole('button', { name: 'Link WhatsApp' })).toBeTruthy();
    expect(screen.getByRole('listbox', { name: 'Chats' })).toBeTruthy();
  });

  it('opens the pairing view and the connector controls from the menu', async () => {
    serve(makeSession());
    render(<SignedIn />);
    await user.click(await screen.findByRole('button', { name: 'Menu' }));
    const menu = screen.getByRole('group', { name: 'Account and connector' });
    expect(within(menu).getByText('Connected.')).toBeTruthy();
    expect(within(menu).getByRole('button', { name: 'Restart connector' })).toBeTruthy();
    expect(within(menu).getByRole('button', { name: 'Log out this device…' })).toBeTruthy();
    expect(within(menu).getByRole('button', { name: 'Sign out' })).toBeTruthy();
    await user.click(within(menu).getByRole('button', { name: 'Link WhatsApp' }));
    expect(await screen.findByRole('dialog', { name: 'Link WhatsApp' })).toBeTruthy();
    expect(screen.queryByRole('group', { name: 'Account and connector' })).toBeNull();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Menu' }));
  });

  it("goes back from a chat to the list with the browser's back button", async () => {
    serve(makeSession());
    render(<SignedIn />);
    await user.click(await screen.findByText('Anna'));
    expect(await screen.findByRole('region', { name: 'Chat Anna' })).toBeTruthy();
    act(() => window.history.back());
    await waitFor(() => expect(useNavigationStore.getState().selectedChatJid).toBeNull());
    expect(screen.queryByRole('region', { name: 'Chat Anna' })).toBeNull();

    // the app's own ← leaves the history entry too
    await user.click(screen.getByText('Anna'));
    await screen.findByRole('region', { name: 'Chat Anna' });
    const depth = window.history.length;
    await user.click(screen.getByRole('button', { name: 'Back to chats' }));
    await waitFor(() => expect(window.history.state).toBeNull());
    expect(window.history.length).toBe(depth);
    expect(useNavigationStore.getState().selectedChatJid).toBeNull();
  });
});
