import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Message, SystemEntry } from '@/lib/api-types';
import { callText, namesOf, SystemLine, systemText } from '@/features/messages/components/system-line';
import { buildRows } from '@/features/messages/utils/message-rows';
import { makeMessage } from '@/testing/fixtures';

const ANNA = { jid: '4915112345678@s.whatsapp.net', name: 'Anna Schmidt' };
const CARLA = { jid: '4915122223333@s.whatsapp.net', name: null };

const entry = (change: string, fields: Partial<SystemEntry> = {}): SystemEntry => ({
  change,
  actor_jid: '4915187654321@s.whatsapp.net',
  actor_name: 'Bob',
  participants: [],
  value: null,
  on: null,
  timer_s: null,
  ...fields,
});

const systemMessage = (system: SystemEntry): Message => ({
  ...makeMessage({ id: 'M1' }),
  type: 'system',
  text: null,
  system,
  call: null,
});

describe('system lines', () => {
  it('words group changes as WhatsApp does', () => {
    expect(systemText(entry('subject', { value: 'Grillabend' }))).toBe('Bob changed the subject to “Grillabend”');
    expect(systemText(entry('added', { participants: [ANNA, CARLA] }))).toBe(
      'Bob added Anna Schmidt and +4915122223333',
    );
    expect(systemText(entry('removed', { participants: [CARLA] }))).toBe('Bob removed +4915122223333');
    expect(systemText(entry('joined', { participants: [ANNA] }))).toBe('Anna Schmidt joined');
    expect(systemText(entry('promoted', { participants: [ANNA] }))).toBe('Anna Schmidt is now an admin');
    expect(systemText(entry('announce', { on: true }))).toBe('Bob changed the group so only admins can send messages');
    expect(systemText(entry('ephemeral', { on: true, timer_s: 604_800 }))).toBe(
      'Bob turned on disappearing messages (7 days)',
    );
    expect(systemText(entry('description', { actor_name: null }))).toBe('+4915187654321 removed the group description');
    expect(systemText(entry('something_new'))).toBe('Bob changed the group');
    expect(namesOf([ANNA, CARLA, ANNA])).toBe('Anna Schmidt, +4915122223333 and Anna Schmidt');
  });

  it('words calls by outcome, kind and duration', () => {
    const call = { call_id: 'C1', video: true, group: false, outcome: 'missed' as const, duration_s: null };
    expect(callText(call, false)).toBe('Missed video call');
    expect(callText({ ...call, video: false, group: true, outcome: 'connected', duration_s: 65 }, true)).toBe(
      'Outgoing group voice call · 1:05',
    );
  });

  it('renders hostile names and subjects as text, never as markup', () => {
    const hostile = '<img src=x onerror="window.pwned=1">';
    const message = systemMessage(entry('subject', { actor_name: '<b>Bob</b>', value: hostile }));
    const { container } = render(<SystemLine message={message} />);
    expect(screen.getByRole('note').textContent).toContain(`<b>Bob</b> changed the subject to “${hostile}”`);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
  });

  it('shows a call entry with its icon and a missed call marked', () => {
    const message: Message = {
      ...makeMessage({ id: 'M2' }),
      type: 'call',
      text: null,
      system: null,
      call: { call_id: 'C2', video: false, group: false, outcome: 'missed', duration_s: null },
    };
    render(<SystemLine message={message} />);
    const line = screen.getByRole('note');
    expect(line.textContent).toContain('📞Missed voice call');
    expect(line.className).toContain('call-unanswered');
  });

  it('keeps entries out of sender runs and gives them no sender name', () => {
    const first = { ...makeMessage({ id: 'M1' }), sender_jid: 'a@s.whatsapp.net', from_me: false };
    const change = { ...systemMessage(entry('subject', { value: 'x' })), timestamp: first.timestamp + 1 };
    const second = {
      ...makeMessage({ id: 'M3' }),
      sender_jid: 'a@s.whatsapp.net',
      from_me: false,
      timestamp: first.timestamp + 2,
    };
    const rows = buildRows([first, change, second], true).filter((row) => row.kind === 'message');
    expect(rows.map((row) => (row.kind === 'message' ? row.showSender : null))).toEqual([true, false, true]);
  });
});
