import type { Message } from '@/lib/api-types';
import { dayKey, formatDay } from '@/lib/format';

export type MessageRow =
  { kind: 'day'; key: string; label: string } | { kind: 'message'; key: string; message: Message; showSender: boolean };

/** Messages (oldest first) with a date separator before each new day; sender names in groups
 * on the first message of a run by the same person. */
export function buildRows(messages: Message[], isGroup: boolean): MessageRow[] {
  const rows: MessageRow[] = [];
  let previous: Message | null = null; // the previous bubble (a timeline entry breaks a run)
  let lastDay: string | null = null;
  for (const message of messages) {
    const day = dayKey(message.timestamp);
    const newDay = lastDay !== day;
    if (newDay) rows.push({ kind: 'day', key: `day:${day}`, label: formatDay(message.timestamp) });
    lastDay = day;
    const entry = message.type === 'system' || message.type === 'call'; // a centred line: no name
    const sameSender = !newDay && previous?.sender_jid === message.sender_jid && previous?.from_me === message.from_me;
    rows.push({
      kind: 'message',
      key: `msg:${message.id}`,
      message,
      showSender: isGroup && !message.from_me && !sameSender && !entry,
    });
    previous = entry ? null : message;
  }
  return rows;
}

const LINE_PX = 20;
const CHARS_PER_LINE = 42;

function textHeight(text: string | null): number {
  if (!text) return 0;
  const lines = text.split('\n').reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / CHARS_PER_LINE)), 0);
  return lines * LINE_PX;
}

function mediaHeight(message: Message): number {
  const media = message.media;
  switch (message.type) {
    case 'image':
    case 'video': {
      if (!media?.url && !media?.thumbnail_url) return 36;
      const width = media.width ?? 4;
      const height = media.height ?? 3;
      return Math.max(80, Math.round(height * Math.min(280 / width, 280 / height, 1.5))) + 6;
    }
    case 'audio':
    case 'voice':
      return 56;
    case 'document':
      return 64;
    case 'sticker':
      return 166;
    case 'location':
      return 96;
    case 'contact':
      return 64;
    case 'poll':
      return 140;
    default:
      return 0;
  }
}

/** A first guess at a row's height, used until the row is rendered and measured. */
export function estimateRowHeight(row: MessageRow): number {
  if (row.kind === 'day') return 40;
  const { message, showSender } = row;
  if (message.type === 'system' || message.type === 'call') return 36; // a centred line (system-line.tsx)
  let height = 46 + (showSender ? 18 : 0) + (message.quoted ? 54 : 0) + (message.reactions.length ? 28 : 0);
  if (message.deleted_at) return height + 28;
  height += mediaHeight(message);
  height +=
    message.type === 'location' || message.type === 'contact' || message.type === 'poll' ? 0 : textHeight(message.text);
  return height;
}
