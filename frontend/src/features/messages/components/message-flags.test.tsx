import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MessageBubble } from '@/features/messages/components/message-bubble';
import { timerLabel } from '@/features/messages/components/message-flags';
import { makeFlags, makeMessage } from '@/testing/fixtures';

describe('Message flags in the bubble', () => {
  it('shows a forwarded message as forwarded', () => {
    render(<MessageBubble message={makeMessage({ flags: makeFlags({ forwarded: true, forwarding_score: 1 }) })} />);
    expect(screen.getByText('↪ Forwarded')).toBeTruthy();
  });

  it('shows "forwarded many times" from a forwarding score of five', () => {
    const flags = makeFlags({ forwarded: true, forwarding_score: 5, forwarded_many_times: true });
    render(<MessageBubble message={makeMessage({ flags })} />);
    expect(screen.getByText('↪↪ Forwarded many times')).toBeTruthy();
    expect(screen.queryByText('↪ Forwarded')).toBeNull();
  });

  it('names the disappearing timer, @everyone and the sender kind', () => {
    const flags = makeFlags({
      ephemeral: true,
      ephemeral_timer_s: 604_800,
      mentions_everyone: true,
      from_business: true,
      from_bot: true,
    });
    render(<MessageBubble message={makeMessage({ flags })} />);
    expect(screen.getByText('⏱ Disappears after 7 days')).toBeTruthy();
    expect(screen.getByText('@ everyone')).toBeTruthy();
    expect(screen.getByText('✔ business')).toBeTruthy();
    expect(screen.getByText('🤖 bot')).toBeTruthy();
  });

  it('marks pinned, kept and starred messages next to the time', () => {
    const flags = makeFlags({ pinned_at: Date.UTC(2025, 10, 24, 11, 0, 0), kept: true, starred: true });
    render(<MessageBubble message={makeMessage({ flags })} />);
    expect(screen.getByRole('img', { name: 'Pinned' })).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Kept in chat' })).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Starred' })).toBeTruthy();
  });

  it('shows no flag line and no marks for a plain message', () => {
    const { container } = render(<MessageBubble message={makeMessage()} />);
    expect(container.querySelector('.markers')).toBeNull();
    expect(screen.queryByRole('img', { name: 'Pinned' })).toBeNull();
  });

  it('names timers as WhatsApp does', () => {
    expect([timerLabel(86_400), timerLabel(604_800), timerLabel(7_776_000), timerLabel(3600 * 6)]).toEqual([
      '24 hours',
      '7 days',
      '90 days',
      '6 hours',
    ]);
  });
});
