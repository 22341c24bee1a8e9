import type { Chat } from '@/lib/api-types';

const DAY_MS = 86_400_000;

export function formatClock(ts: number): string {
  return new Date(ts).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** Chat-list style: the time today, the weekday this week, else the date. */
export function formatListTime(ts: number, now: number = Date.now()): string {
  const date = new Date(ts);
  if (new Date(now).toDateString() === date.toDateString()) return formatClock(ts);
  if (now - ts < 6 * DAY_MS) return date.toLocaleDateString(undefined, { weekday: 'short' });
  return date.toLocaleDateString(undefined, { year: '2-digit', month: '2-digit', day: '2-digit' });
}

export function formatDay(ts: number): string {
  return new Date(ts).toLocaleDateString(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
}

export function dayKey(ts: number): string {
  return new Date(ts).toDateString();
}

export function formatDateTime(ts: number): string {
  return new Date(ts).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
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
  const words = name.replace(/[^\p{L}\p{N}\s]/gu, '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '#';
  const first = words[0]?.[0] ?? '';
  const last = words.length > 1 ? (words[words.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}
