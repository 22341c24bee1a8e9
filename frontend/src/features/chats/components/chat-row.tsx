import type { CSSProperties } from 'react';
import type { Chat, LastMessage } from '@/lib/api-types';
import { Avatar } from '@/components/avatar';
import { KindIcon } from '@/components/kind-icon';
import { chatTitle, formatDateTime, formatListTime } from '@/lib/format';

const TYPE_PREVIEW: Record<string, string> = {
  image: '📷 Photo',
  video: '🎥 Video',
  audio: '🎵 Audio',
  voice: '🎤 Voice message',
  document: '📄 Document',
  sticker: 'Sticker',
  location: '📍 Location',
  contact: '👤 Contact',
  poll: '📊 Poll',
  unknown: 'Message',
  system: 'Group changed',
  call: '📞 Call',
};

export function previewOf(message: LastMessage | null): string {
  if (!message) return '';
  const prefix = message.from_me ? 'You: ' : '';
  if (message.deleted) return `${prefix}🚫 Deleted message`;
  const text = message.text?.trim();
  const typed = TYPE_PREVIEW[message.type];
  if (typed && text) return `${prefix}${typed}: ${text}`;
  return prefix + (text || typed || '');
}

function mutedTitle(chat: Chat): string {
  return chat.muted_until ? `Muted until ${formatDateTime(chat.muted_until)}` : 'Muted';
}

/** Muted, pinned, the unread count (grey when muted) or a dot when marked unread, as WhatsApp. */
function ChatStateMarks({ chat, unread }: { chat: Chat; unread: number }) {
  return (
    <>
      {chat.is_muted && (
        <span className="chat-row-state" role="img" aria-label={mutedTitle(chat)} title={mutedTitle(chat)}>
          🔕
        </span>
      )}
      {chat.is_pinned && (
        <span className="chat-row-state" role="img" aria-label="Pinned" title="Pinned">
          📌
        </span>
      )}
      {unread > 0 && (
        <span className={`badge${chat.is_muted ? ' muted-badge' : ''}`} aria-label={`${unread} unread`}>
          {unread > 999 ? '999+' : unread}
        </span>
      )}
      {unread === 0 && chat.marked_unread && <span className="badge badge-dot" role="img" aria-label="Marked unread" />}
    </>
  );
}

interface ChatRowProps {
  chat: Chat;
  id: string;
  selected: boolean;
  active: boolean;
  style: CSSProperties;
  position: number;
  total: number;
  onOpen: (jid: string) => void;
}

export function ChatRow({ chat, id, selected, active, style, position, total, onOpen }: ChatRowProps) {
  const title = chatTitle(chat);
  const unread = chat.unread_count ?? 0;
  const time = chat.last_message?.timestamp ?? chat.last_message_at;
  return (
    <div
      id={id}
      role="option"
      aria-selected={selected}
      aria-posinset={position}
      aria-setsize={total}
      className={`chat-row${selected ? ' selected' : ''}${active ? ' active' : ''}${chat.is_tracked ? '' : ' untracked'}`}
      style={style}
      onClick={() => onOpen(chat.jid)}
    >
      <Avatar name={title} seed={chat.jid} src={chat.avatar_url} />
      <div className="chat-row-body">
        <div className="chat-row-top">
          <KindIcon kind={chat.kind} />
          <span className="chat-row-name">{title}</span>
          {!chat.is_tracked && (
            <span className="tag" title="Not archived: new messages of this chat are not kept">
              untracked
            </span>
          )}
          <span className="chat-row-time">{time ? formatListTime(time) : ''}</span>
        </div>
        <div className="chat-row-bottom">
          <span className="chat-row-preview">{previewOf(chat.last_message)}</span>
          <ChatStateMarks chat={chat} unread={unread} />
        </div>
      </div>
    </div>
  );
}
