import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Chat } from '@/lib/api-types';
import { ChatList } from '@/features/chats/components/chat-list';
import { makeChat } from '@/testing/fixtures';
import { json, mockFetch } from '@/testing/mock-fetch';

const MUTED_UNTIL = Date.UTC(2027, 0, 2, 8, 0);
const pinnedChat = makeChat(5, { name: 'Pinned Pia', is_pinned: true });
const mutedChat = makeChat(1, { name: 'Muted Max', is_muted: true, muted_until: MUTED_UNTIL, unread_count: 4 });
const markedChat = makeChat(2, { name: 'Marked Mia', marked_unread: true });
const archivedChat = makeChat(3, { name: 'Old Olga', is_archived: true });

/** The API as it answers each folder's request. */
function folders(archived: Chat[] = [archivedChat]) {
  return mockFetch({
    'GET /api/chats': ({ url }) => {
      const params = url.searchParams;
      if (params.get('archived') === 'true')
        return json({ items: archived.slice(0, Number(params.get('limit'))), next_cursor: null });
      if (params.get('pinned') === 'true') return json({ items: [pinnedChat], next_cursor: null });
      return json({ items: [mutedChat, markedChat], next_cursor: null });
    },
  });
}

const names = (listbox: HTMLElement) =>
  within(listbox)
    .getAllByRole('option')
    .map((option) => option.querySelector('.chat-row-name')?.textContent);

describe('ChatList chat state', () => {
  it('shows pinned chats first, then the others without the archived ones', async () => {
    const { calls } = folders();
    render(<ChatList />);
    const listbox = await screen.findByRole('listbox', { name: 'Chats' });
    await waitFor(() => expect(names(listbox)).toEqual(['Pinned Pia', 'Muted Max', 'Marked Mia']));
    expect(within(listbox).getByRole('img', { name: 'Pinned' })).toBeTruthy();
    const paged = calls.find((call) => call.url.searchParams.get('pinned') === 'false');
    expect(paged?.url.searchParams.get('archived')).toBe('false');
  });

  it('marks muted chats (until when) with a grey count, and a marked-unread chat with a dot', async () => {
    folders();
    render(<ChatList />);
    const muted = (await screen.findByText('Muted Max')).closest('[role="option"]') as HTMLElement;
    const icon = within(muted).getByRole('img', { name: /^Muted until / });
    expect(icon.getAttribute('title')).toContain('2027');
    expect(within(muted).getByLabelText('4 unread').className).toContain('muted-badge');
    const marked = (await screen.findByText('Marked Mia')).closest('[role="option"]') as HTMLElement;
    expect(within(marked).getByRole('img', { name: 'Marked unread' })).toBeTruthy();
  });

  it('opens the Archived folder and comes back', async () => {
    const { calls } = folders();
    render(<ChatList />);
    await userEvent.click(await screen.findByRole('button', { name: 'Archived' }));
    const listbox = await screen.findByRole('listbox', { name: 'Chats' });
    await waitFor(() => expect(names(listbox)).toEqual(['Old Olga']));
    expect(calls.at(-1)?.url.searchParams.get('archived')).toBe('true');
    await userEvent.click(screen.getByRole('button', { name: 'Archived' })); // the folder's back row
    await waitFor(() => expect(names(screen.getByRole('listbox'))).toContain('Muted Max'));
  });

  it('offers no Archived folder when nothing is archived', async () => {
    folders([]);
    render(<ChatList />);
    await screen.findByText('Muted Max');
    expect(screen.queryByRole('button', { name: 'Archived' })).toBeNull();
  });
});
