import type { Message, Quoted, Reaction } from '@/lib/api-types';
import { formatClock, jidLabel } from '@/lib/format';

const RECEIPTS = [
  { glyph: '✓', label: 'Sent' },
  { glyph: '✓✓', label: 'Delivered' },
  { glyph: '✓✓', label: 'Read' },
  { glyph: '✓✓', label: 'Played' },
];

export function ReceiptTicks({ status }: { status: number }) {
  const receipt = RECEIPTS[Math.max(0, Math.min(3, status))] ?? RECEIPTS[0];
  return (
    <span
      className={`ticks${status >= 2 ? ' ticks-read' : ''}`}
      role="img"
      aria-label={receipt?.label}
      title={receipt?.label}
    >
      {receipt?.glyph}
    </span>
  );
}

const QUOTED_TYPE: Record<string, string> = {
  image: '📷 Photo',
  video: '🎥 Video',
  audio: '🎵 Audio',
  voice: '🎤 Voice message',
  document: '📄 Document',
  sticker: 'Sticker',
  location: '📍 Location',
  contact: '👤 Contact',
  poll: '📊 Poll',
};

export function QuotedReply({ quoted, onJump }: { quoted: Quoted; onJump: (messageId: string) => void }) {
  const archived = quoted.sender_jid !== null;
  const preview = quoted.text ?? (quoted.type ? QUOTED_TYPE[quoted.type] : null) ?? 'Message';
  return (
    <button
      type="button"
      className="quoted"
      onClick={() => onJump(quoted.id)}
      disabled={!archived}
      aria-label="Go to the quoted message"
    >
      <span className="quoted-sender">
        {archived && quoted.sender_jid ? jidLabel(quoted.sender_jid) : 'Quoted message'}
      </span>
      <span className="quoted-text">{archived ? preview : 'Not in the archive'}</span>
    </button>
  );
}

export function Reactions({ reactions }: { reactions: Reaction[] }) {
  if (reactions.length === 0) return null;
  const counts = new Map<string, string[]>();
  for (const reaction of reactions)
    counts.set(reaction.emoji, [...(counts.get(reaction.emoji) ?? []), jidLabel(reaction.reactor_jid)]);
  return (
    <ul className="reactions" aria-label="Reactions">
      {[...counts].map(([emoji, who]) => (
        <li key={emoji} title={who.join(', ')}>
          {emoji}
          {who.length > 1 && <span className="small"> {who.length}</span>}
        </li>
      ))}
    </ul>
  );
}

export function senderLabel(message: Message): string {
  if (message.from_me) return 'You';
  return message.sender_name ?? (message.sender_jid ? jidLabel(message.sender_jid) : 'Unknown');
}

export function senderHue(jid: string | null): number {
  let hash = 0;
  for (const char of jid ?? '') hash = (hash * 33 + char.charCodeAt(0)) >>> 0;
  return hash % 360;
}

export const clockOf = (message: Message): string => formatClock(message.timestamp);
