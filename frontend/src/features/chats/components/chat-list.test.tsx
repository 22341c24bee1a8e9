import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { useNavigationStore } from '@/stores/navigation-store';
import { ChatList } from '@/features/chats/components/chat-list';
import { makeChat } from '@/testing/fixtures';
import { apiError, json, mockFetch } from '@/testing/mock-fetch';

const chats = [
  makeChat(1, { name: 'Anna Schmidt', unread_count: 3 }),
  makeChat(2, { jid: '120363012345678901@g.us', name: 'Family', kind: 'group', is_tracked: false }),
  makeChat(3, {
    name: 'Carl',
    last_message: {
      id: 'L3',
      type: 'image',
      text: null,
      sender_jid: null,
      from_me: true,
      deleted: false,
      timestamp: 1,
    },
  }),
];

describe('ChatList', () => {
  it('shows name, initials, preview, unread badge, kind icon and the untracked marker', async () => {
    mockFetch({ 'GET /api/chats': () => json({ items: chats, next_cursor: null }) });
    render(<ChatList />);
    const listbox = await screen.findByRole('listbox', { name: 'Chats' });
    const options = within(listbox).getAllByRole('option');
    expect(options).toHaveLength(3);
    const anna = options[0] as HTMLElement;
    expect(within(anna).getByText('Anna Schmidt')).toBeTruthy();
    expect(within(anna).getByText('AS')).toBeTruthy();
    expect(within(anna).getByText('Last words 1')).toBeTruthy();
    expect(within(anna).getByLabelText('3 unread')).toBeTruthy();
    const family = options[1] as HTMLElement;
    expect(within(family).getByRole('img', { name: 'Group' })).toBeTruthy();
    expect(within(family).getByText('untracked')).toBeTruthy();
    expect(within(options[2] as HTMLElement).getByText('You: 📷 Photo')).toBeTruthy();
  });

  it('sends the filter to the API and shows the empty state', async () => {
    const { calls } = mockFetch({
      'GET /api/chats': ({ url }) => json({ items: url.searchParams.get('q') ? [] : chats, next_cursor: null }),
    });
    render(<ChatList />);
    await screen.findByRole('listbox');
    await userEvent.type(screen.getByRole('searchbox', { name: 'Filter chats' }), 'zzz');
    expect(await screen.findByText('No chat matches the filter.')).toBeTruthy();
    expect(calls.at(-1)?.url.searchParams.get('q')).toBe('zzz');
  });

  it('moves through the list with the keyboard and opens a chat with Enter', async () => {
    mockFetch({ 'GET /api/chats': () => json({ items: chats, next_cursor: null }) });
    render(<ChatList />);
    const listbox = await screen.findByRole('listbox');
    listbox.focus();
    expect(listbox.getAttribute('aria-activedescendant')).toBe('chat-option-0');
    await userEvent.keyboard('{ArrowDown}');
    expect(listbox.getAttribute('aria-activedescendant')).toBe('chat-option-1');
    await userEvent.keyboard('{Enter}');
    expect(useNavigationStore.getState().selectedChatJid).toBe('120363012345678901@g.us');
    await waitFor(() => expect(screen.getAllByRole('option')[1]?.getAttribute('aria-selected')).toBe('true'));
  });

  it('opens a chat on click', async () => {
    mockFetch({ 'GET /api/chats': () => json({ items: chats, next_cursor: null }) });
    render(<ChatList />);
    await userEvent.click(await screen.findByText('Carl'));
    expect(useNavigationStore.getState().selectedChatJid).toBe(chats[2]?.jid);
  });

  it('loads the next page with the cursor when scrolled near the end', async () => {
    const first = Array.from({ length: 25 }, (_, index) => makeChat(index));
    const second = [makeChat(100, { name: 'Zelda' })];
    const { calls } = mockFetch({
      'GET /api/chats': ({ url }) =>
        url.searchParams.get('cursor') === 'c2'
          ? json({ items: second, next_cursor: null })
          : json({ items: first, next_cursor: 'c2' }),
    });
    render(<ChatList />);
    await screen.findByRole('listbox');
    await waitFor(() => expect(calls.some((call) => call.url.searchParams.get('cursor') === 'c2')).toBe(true));
  });

  it('shows the API error with a retry', async () => {
    mockFetch({ 'GET /api/chats': () => apiError(503, 'unavailable', 'a dependency is unavailable; try again') });
    render(<ChatList />);
    expect((await screen.findByRole('alert')).textContent).toContain('a dependency is unavailable');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
  });
});
