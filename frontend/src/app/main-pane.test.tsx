import { render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { resetNavigationStore, useNavigationStore } from '@/stores/navigation-store';
import { MainPane } from '@/app/main-pane';
import { makeChat, makeMessage } from '@/testing/fixtures';
import { json, mockFetch } from '@/testing/mock-fetch';

const STATUS = 'status@broadcast';
const ANNA = '4915112345678@s.whatsapp.net';

afterEach(() => resetNavigationStore());

describe('MainPane', () => {
  it('opens the Status chat as the status view, each post drawn as a message', async () => {
    const status = makeChat(1, { jid: STATUS, name: 'Status', kind: 'status' });
    const post = makeMessage({
      id: 'S1',
      chat_jid: STATUS,
      sender_jid: ANNA,
      sender_name: 'Anna',
      text: 'Erster Schnee',
    });
    const { calls } = mockFetch({
      [`GET /api/chats/${STATUS}`]: () => json({ ...status, message_count: 1, participants: [] }),
      'GET /api/status': () =>
        json({
          contacts: [
            { sender_jid: ANNA, sender_name: 'Anna', from_me: false, latest_at: post.timestamp, posts: [post] },
          ],
          next_cursor: null,
        }),
    });
    useNavigationStore.getState().openChat(STATUS);
    render(<MainPane />);
    const posts = await screen.findByRole('list', { name: 'Status posts of Anna' }, { timeout: 5000 });
    expect(await within(posts).findByText('Erster Schnee')).toBeTruthy();
    expect(calls.some((call) => call.url.pathname.endsWith('/messages'))).toBe(false); // no chat window
  });
});
