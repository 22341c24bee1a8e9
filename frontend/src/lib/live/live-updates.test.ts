import { afterEach, describe, expect, it, vi } from 'vitest';
import { subscribeChanges, VISIBLE_MS } from '@/lib/live/live-updates';
import type { Changes } from '@/lib/live/changes-api';
import { useNavigationStore } from '@/stores/navigation-store';
import { json, mockFetch } from '@/testing/mock-fetch';

const answer = (revision: number, extra: Partial<Changes> = {}): Changes => ({ revision, reset: false, chats: [], messages: [], ...extra });

describe('subscribeChanges', () => {
  afterEach(() => vi.useRealTimers());

  it('starts from the current revision, polls every second with it and the open chat, and hands on changes', async () => {
    vi.useFakeTimers();
    useNavigationStore.setState({ selectedChatJid: 'g@g.us' });
    const answers = [answer(7), answer(7), answer(8, { chats: [{ jid: 'g@g.us', chat: null, message_ids: ['m'] }] })];
    const { calls } = mockFetch({ 'GET /api/changes': () => json(answers.shift() ?? answer(8)) });
    const seen: Changes[] = [];
    const stop = subscribeChanges((changes) => seen.push(changes));

    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(VISIBLE_MS);
    await vi.advanceTimersByTimeAsync(VISIBLE_MS);
    stop();

    expect(calls.map((call) => call.url.searchParams.get('since'))).toEqual([null, '7', '7']);
    expect(calls[1]?.url.searchParams.get('chat')).toBe('g@g.us');
    expect(seen.map((changes) => changes.revision)).toEqual([8]); // the baseline and "nothing" are not changes
  });

  it('stops polling once nobody listens', async () => {
    vi.useFakeTimers();
    const { calls } = mockFetch({ 'GET /api/changes': () => json(answer(1)) });
    subscribeChanges(() => undefined)();
    await vi.advanceTimersByTimeAsync(5 * VISIBLE_MS);
    expect(calls).toHaveLength(0);
  });
});
