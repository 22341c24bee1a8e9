import { afterEach, describe, expect, it, vi } from 'vitest';
import { subscribeChanges, VISIBLE_MS } from '@/lib/live/live-updates';
import type { Changes } from '@/lib/live/changes-api';
import { useAccountStore } from '@/stores/account-store';
import { useNavigationStore } from '@/stores/navigation-store';
import { json, mockFetch } from '@/testing/mock-fetch';

const answer = (revision: number, extra: Partial<Changes> = {}): Changes => ({
  revision,
  reset: false,
  chats: [],
  messages: [],
  ...extra,
});

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

  it('counts revisions per account: after a switch it starts again from the new account’s revision', async () => {
    vi.useFakeTimers();
    useAccountStore.setState({ current: 'home' });
    const revisions: Record<string, number[]> = { home: [40, 41], sales: [3, 4] };
    const { calls } = mockFetch({
      'GET /api/changes': ({ url }) => {
        const account = url.searchParams.get('account') ?? '';
        const revision = revisions[account]?.shift() ?? 99;
        return json(answer(revision, { chats: [{ jid: `${account}@s.whatsapp.net`, chat: null, message_ids: null }] }));
      },
    });
    const seen: string[] = [];
    const stop = subscribeChanges((changes) => seen.push(`${changes.revision} ${changes.chats[0]?.jid}`));
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(VISIBLE_MS);
    useAccountStore.getState().choose('sales');
    await vi.advanceTimersByTimeAsync(VISIBLE_MS);
    await vi.advanceTimersByTimeAsync(VISIBLE_MS);
    stop();
    expect(
      calls.map((call) => `${call.url.searchParams.get('account')} ${call.url.searchParams.get('since')}`),
    ).toEqual([
      'home null',
      'home 40',
      'sales null', // not home's 41: another account's revisions are another sequence
      'sales 3',
    ]);
    expect(seen).toEqual(['41 home@s.whatsapp.net', '4 sales@s.whatsapp.net']);
  });
});
