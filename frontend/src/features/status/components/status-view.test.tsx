import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Message, StatusContact } from '@/lib/api-types';
import { contactName, mergeContacts, StatusView, touchesStatus } from '@/features/status/components/status-view';
import { makeMessage } from '@/testing/fixtures';
import { apiError, json, mockFetch } from '@/testing/mock-fetch';

const ANNA = '4915112345678@s.whatsapp.net';
const BOB = '4915187654321@s.whatsapp.net';

const post = (id: string, sender: string, text: string, at: number): Message =>
  makeMessage({ id, chat_jid: 'status@broadcast', sender_jid: sender, text, timestamp: at });

const contact = (
  sender: string,
  name: string | null,
  posts: Message[],
  overrides: Partial<StatusContact> = {},
): StatusContact => ({
  sender_jid: sender,
  sender_name: name,
  from_me: false,
  latest_at: posts[posts.length - 1]?.timestamp ?? 0,
  posts,
  ...overrides,
});

const drawn = (message: Message) => <p>{message.text}</p>;

describe('Status', () => {
  it('shows each contact with its posts, the newest contact first, and loads older posts on demand', async () => {
    const { calls } = mockFetch({
      'GET /api/status': ({ url }) =>
        url.searchParams.get('cursor')
          ? json({ contacts: [contact(ANNA, 'Anna', [post('S1', ANNA, 'Anna am Morgen', 1)])], next_cursor: null })
          : json({
              contacts: [
                contact(ANNA, 'Anna', [post('S3', ANNA, 'Anna am Abend', 10)]),
                contact(BOB, null, [post('S2', BOB, 'Bob im Büro', 5)]),
              ],
              next_cursor: 'c1',
            }),
    });
    render(<StatusView renderPost={drawn} />);
    const contacts = await screen.findByRole('list', { name: 'Status by contact' });
    const names = [...contacts.querySelectorAll(':scope > li summary .strong')].map((name) => name.textContent);
    expect(names).toEqual(['Anna', '4915187654321']); // no name known: the number
    await userEvent.click(screen.getByRole('button', { name: 'Older status posts' }));
    const anna = await screen.findByRole('list', { name: 'Status posts of Anna' });
    await within(anna).findByText('Anna am Morgen');
    expect(
      within(anna)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['Anna am Morgen', 'Anna am Abend']);
    const reads = calls.filter((call) => call.url.pathname === '/api/status');
    expect(reads.map((call) => call.url.searchParams.get('cursor'))).toEqual([null, 'c1']);
    expect(screen.queryByRole('button', { name: 'Older status posts' })).toBeNull();
  });

  it('says how to keep status posts when none are archived', async () => {
    mockFetch({ 'GET /api/status': () => json({ contacts: [], next_cursor: null }) });
    render(<StatusView renderPost={drawn} />);
    expect(await screen.findByText(/Track “Status” in the tracking panel/)).toBeTruthy();
  });

  it('shows the reason when the archive cannot be read', async () => {
    mockFetch({ 'GET /api/status': () => apiError(400, 'invalid_request', 'cursor: not a cursor', 'cursor') });
    render(<StatusView renderPost={drawn} />);
    expect((await screen.findByRole('alert')).textContent).toContain('not a cursor');
  });

  it('renders hostile text as text, never as markup', async () => {
    const hostile = '<img src=x onerror="window.hacked=1">';
    mockFetch({
      'GET /api/status': () =>
        json({ contacts: [contact(ANNA, hostile, [post('S9', ANNA, 'x', 1)])], next_cursor: null }),
    });
    render(<StatusView renderPost={drawn} />);
    expect(await screen.findByText(hostile)).toBeTruthy();
    expect(document.querySelector('img[src="x"]')).toBeNull();
  });

  it('keeps a contact in its place when older pages bring more of its posts', () => {
    const shown = [contact(ANNA, 'Anna', [post('S3', ANNA, 'c', 10)]), contact(BOB, 'Bob', [post('S2', BOB, 'b', 5)])];
    const older = [
      contact(BOB, 'Bob', [post('S0', BOB, 'z', 0)]),
      contact('4930123456@s.whatsapp.net', 'Carla', [post('S1', 'x', 'a', 1)]),
    ];
    const merged = mergeContacts(shown, older);
    expect(merged.map((item) => [item.sender_name, item.posts.map((p) => p.id)])).toEqual([
      ['Anna', ['S3']],
      ['Bob', ['S0', 'S2']],
      ['Carla', ['S1']],
    ]);
    expect(shown[1]?.posts.map((p) => p.id)).toEqual(['S2']); // the shown page is not changed in place
    expect(contactName(contact(ANNA, 'Anna', [], { from_me: true }))).toBe('My status');
  });

  it('shows a new post when the archive says status changed', async () => {
    let posts = [post('S1', ANNA, 'Anna am Morgen', 1)];
    let revision = 1;
    mockFetch({
      'GET /api/status': () => json({ contacts: [contact(ANNA, 'Anna', posts)], next_cursor: null }),
      'GET /api/changes': () =>
        json({
          revision,
          reset: false,
          chats: revision > 1 ? [{ jid: 'status@broadcast', chat: null, messages: null }] : [],
        }),
    });
    render(<StatusView renderPost={drawn} />);
    await screen.findByText('Anna am Morgen');
    posts = [...posts, post('S2', ANNA, 'Anna am Abend', 2)];
    revision = 2;
    expect(await screen.findByText('Anna am Abend', {}, { timeout: 4000 })).toBeTruthy();
  });

  it('reloads only when a change touches status', () => {
    const changed = (jid: string) => ({ jid, chat: null, message_ids: null });
    expect(touchesStatus({ revision: 2, reset: false, chats: [changed('status@broadcast')], messages: [] })).toBe(true);
    expect(touchesStatus({ revision: 2, reset: false, chats: [changed(ANNA)], messages: [] })).toBe(false);
    expect(touchesStatus({ revision: 2, reset: true, chats: [], messages: [] })).toBe(true);
  });
});
