import { describe, expect, it } from 'vitest';
import {
  chatTitle,
  dayKey,
  formatBytes,
  formatClock,
  formatDuration,
  formatListTime,
  initials,
  jidLabel,
} from '@/lib/format';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
// Local noon: a few hours either way stays on the same calendar day in any time zone's view of it.
const NOON = new Date(2025, 10, 24, 12, 0, 0).getTime();

describe('formatBytes', () => {
  it('counts bytes up to 1023, then KB, MB, GB with one decimal', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GB');
  });

  it('stays at GB for anything larger and says nothing for an unknown size', () => {
    expect(formatBytes(2048 * 1024 ** 3)).toBe('2048.0 GB');
    expect(formatBytes(null)).toBe('');
  });
});

describe('formatDuration', () => {
  it('is minutes:seconds with two-digit seconds', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(7)).toBe('0:07');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3600)).toBe('60:00');
    expect(formatDuration(null)).toBe('');
  });
});

describe('jidLabel', () => {
  it('shows a phone JID as +number, without a device part', () => {
    expect(jidLabel('4915112345678@s.whatsapp.net')).toBe('+4915112345678');
    expect(jidLabel('4915112345678:12@s.whatsapp.net')).toBe('+4915112345678');
  });

  it('shows any other JID by its user part only, and a string without @ as it is', () => {
    expect(jidLabel('120363012345678901@g.us')).toBe('120363012345678901');
    expect(jidLabel('98765@lid')).toBe('98765');
    expect(jidLabel('no-server')).toBe('no-server');
  });
});

describe('chatTitle', () => {
  it('is the name, trimmed, or the JID label when the name is missing or blank', () => {
    expect(chatTitle({ name: '  Anna  ', jid: '491@s.whatsapp.net' })).toBe('Anna');
    expect(chatTitle({ name: '   ', jid: '491@s.whatsapp.net' })).toBe('+491');
    expect(chatTitle({ name: null, jid: '120363@g.us' })).toBe('120363');
  });
});

describe('initials', () => {
  it('takes the first letters of the first and last word, upper-cased', () => {
    expect(initials('anna maria schmidt')).toBe('AS');
    expect(initials('Bob')).toBe('B');
    expect(initials('Émile Zola')).toBe('ÉZ');
  });

  it('ignores punctuation and emoji, and shows # when no letter or digit is left', () => {
    expect(initials('🎉 Party (2025)!')).toBe('P2');
    expect(initials('🎉 !!')).toBe('#');
    expect(initials('')).toBe('#');
  });
});

describe('dayKey', () => {
  it('is equal for two moments of the same local day and differs across midnight', () => {
    const midnight = new Date(2025, 10, 25, 0, 0, 0).getTime();
    expect(dayKey(NOON)).toBe(dayKey(NOON + 11 * HOUR_MS));
    expect(dayKey(midnight - 1)).not.toBe(dayKey(midnight));
    expect(dayKey(midnight)).toBe('2025-11-25');
  });
});

describe('formatListTime', () => {
  it('shows the time today, the weekday within the week, the date before that', () => {
    const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
    const date = new Intl.DateTimeFormat(undefined, { year: '2-digit', month: '2-digit', day: '2-digit' });
    expect(formatListTime(NOON - HOUR_MS, NOON)).toBe(formatClock(NOON - HOUR_MS));
    expect(formatListTime(NOON - 2 * DAY_MS, NOON)).toBe(weekday.format(NOON - 2 * DAY_MS));
    expect(formatListTime(NOON - 8 * DAY_MS, NOON)).toBe(date.format(NOON - 8 * DAY_MS));
  });
});
