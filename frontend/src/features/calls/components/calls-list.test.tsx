import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Call } from '@/lib/api-types';
import { callTitle } from '@/features/calls/components/call-entry';
import { CallsList, ChatCalls } from '@/features/calls/components/calls-list';
import { json, mockFetch } from '@/testing/mock-fetch';

const call = (overrides: Partial<Call> = {}): Call => ({
  call_id: 'C1',
  chat_jid: '4915112345678@s.whatsapp.net',
  chat_name: 'Anna',
  caller_jid: '4915112345678@s.whatsapp.net',
  caller_name: 'Anna',
  from_me: false,
  video: false,
  group: false,
  started_at: Date.UTC(2025, 10, 24, 10, 0, 0),
  ended_at: null,
  outcome: 'connected',
  end_reason: null,
  duration_s: 60,
  ...overrides,
});

describe('Calls', () => {
  it('names calls as WhatsApp does', () => {
    expect(callTitle(call())).toBe('Incoming voice call');
    expect(callTitle(call({ outcome: 'missed', video: true }))).toBe('Missed video call');
    expect(callTitle(call({ from_me: true }))).toBe('Outgoing voice call');
    expect(callTitle(call({ outcome: 'rejected', group: true }))).toBe('Declined group voice call');
  });

  it('lists every call with its chat and loads older ones on demand', async () => {
    const { calls } = mockFetch({
      'GET /api/calls': ({ url }) =>
        url.searchParams.get('cursor')
          ? json({ items: [call({ call_id: 'C0', chat_name: 'Family', group: true })], next_cursor: null })
          : json({ items: [call({ outcome: 'missed', video: true, duration_s: null })], next_cursor: 'c1' }),
    });
    render(<CallsList />);
    const list = await screen.findByRole('list', { name: 'Calls' });
    expect(await within(list).findByText('Missed video call')).toBeTruthy();
    expect(within(list).getByText('Anna')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Older calls' }));
    expect(await screen.findByText('Family')).toBeTruthy();
    expect(calls.map((c) => c.url.searchParams.get('cursor'))).toEqual([null, 'c1']);
    expect(screen.queryByRole('button', { name: 'Older calls' })).toBeNull();
  });

  it("loads a chat's calls only when they are unfolded", async () => {
    const { calls } = mockFetch({ 'GET /api/calls': () => json({ items: [call()], next_cursor: null }) });
    render(<ChatCalls jid="4915112345678@s.whatsapp.net" />);
    expect(calls).toHaveLength(0);
    await userEvent.click(screen.getByText('Calls'));
    expect(await screen.findByText('Incoming voice call')).toBeTruthy();
    expect(calls[0]?.url.searchParams.get('chat')).toBe('4915112345678@s.whatsapp.net');
  });
});
