import type { Chat } from '@/lib/api-types';

const DAY_MS = 86_400_000;

// One Intl.DateTimeFormat per style, built on first use: `toLocale*String(…, options)` builds a new
// formatter on every call, which made rendering a page of rows slow.
function lazyFormat(options: Intl.DateTimeFormatOptions): () => Intl.DateTimeFormat {
  let format: Intl.DateTimeFormat | null = null;
  return () => (format ??= new Intl.DateTimeFormat(undefined, options));
}
const CLOCK = lazyFormat({ hour: '2-digit', minute: '2-digit' });
const WEEKDAY = lazyFormat({ weekday: 'short' });
const SHORT_DATE = lazyFormat({ year: '2-digit', month: '2-digit', day: '2-digit' });
const LONG_DAY = lazyFormat({ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
const DATE_TIME = lazyFormat({ dateStyle: 'medium', timeStyle: 'short' });

/** Builds every formatter once (src/lib/intl-warmup.worker.ts runs it off the main thread). */
export function warmFormats(): void {
  for (const format of [CLOCK, WEEKDAY, SHORT_DATE, LONG_DAY, DATE_TIME]) format().format(0);
  (1234).toLocaleString();
}

export function formatClock(ts: number): string {
  return CLOCK().format(ts);
}

/** Chat-list style: the time today, the weekday this week, else the date. */
export function formatListTime(ts: number, now: number = Date.now()): string {
  if (dayKey(now) === dayKey(ts)) return formatClock(ts);
  if (now - ts < 6 * DAY_MS) return WEEKDAY().format(ts);
  return SHORT_DATE().format(ts);
}

export function formatDay(ts: number): string {
  return LONG_DAY().format(ts);
}

/** The local calendar day of a timestamp (a key: equal for two moments of the same day). */
export function dayKey(ts: number): string {
  const date = new Date(ts);
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

export function formatDateTime(ts: number): string {
  return DATE_TIME().format(ts);
}

export function formatBytes(size: number | null): string {
  if (size === null) return '';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '';
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}

/** The user part of a JID: `4915112345678@s.whatsapp.net` → `+4915112345678`. */
export function jidLabel(jid: string): string {
  const [user = jid, server = ''] = jid.split('@');
  const bare = user.split(':')[0] ?? user;
  return server === 's.whatsapp.net' ? `+${bare}` : bare;
}

export function chatTitle(chat: Pick<Chat, 'name' | 'jid'>): string {
  return chat.name?.trim() || jidLabel(chat.jid);
}

export function initials(name: string): string {
  const words = name
    .replace(/[^\p{L}\p{N}\s]/gu, '')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0) return '#';
  const first = words[0]?.[0] ?? '';
  const last = words.length > 1 ? (words[words.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}
