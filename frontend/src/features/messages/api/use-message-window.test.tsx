import { renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useMessageWindow } from '@/features/messages/api/use-message-window';
import { makeMessage } from '@/testing/fixtures';
import { json, mockFetch } from '@/testing/mock-fetch';

const JID = '120363012345678901@g.us';
const at = (minute: number) => Date.UTC(2025, 10, 1) + minute * 60_000;
const newest = {
  items: [1, 2, 3].map((n) => makeMessage({ id: `M${n}`, chat_jid: JID, text: `message ${n}`, timestamp: at(n) })),
  older_cursor: 'before-1',
  newer_cursor: 'after-3',
  has_older: true,
  has_newer: false,
};
const quiet = (revision: number) => ({ revision, reset: false, chats: [], messages: [] });

describe('useMessageWindow live updates', () => {
  it('appends a new message and replaces an edited one of the open chat, from the changes poll', async () => {
    const arrived = makeMessage({ id: 'LIVE1', chat_jid: JID, text: 'just arrived', timestamp: at(9) });
    const edited = makeMessage({ id: 'M2', chat_jid: JID, text: 'message 2, edited', timestamp: at(2) });
    const answers = [
      quiet(4),
      {
        revision: 5,
        reset: false,
        chats: [{ jid: JID, chat: null, message_ids: ['LIVE1', 'M2'] }],
        messages: [edited, arrived],
      },
    ];
    const { calls } = mockFetch({
      [`GET /api/chats/${JID}/messages`]: () => json(newest),
      'GET /api/changes': () => json(answers.shift() ?? quiet(5)),
    });

    const { result } = renderHook(() => useMessageWindow(JID, null, 0));

    await waitFor(() => expect(result.current.items.map((m) => m.id)).toEqual(['M1', 'M2', 'M3', 'LIVE1']), {
      timeout: 4000,
    });
    expect(result.current.items[1]?.text).toBe('message 2, edited');
    const polls = calls.filter((call) => call.url.pathname === '/api/changes');
    expect(polls[1]?.url.searchParams.get('since')).toBe('4');
  });

  it('reloads the window when the server says the cursor is too old', async () => {
    const answers = [quiet(4), { revision: 90, reset: true, chats: [], messages: [] }];
    const { calls } = mockFetch({
      [`GET /api/chats/${JID}/messages`]: () => json(newest),
      'GET /api/changes': () => json(answers.shift() ?? quiet(90)),
    });
    renderHook(() => useMessageWindow(JID, null, 0));
    await waitFor(() => expect(calls.filter((call) => call.url.pathname.endsWith('/messages'))).toHaveLength(2), {
      timeout: 4000,
    });
  });
});
