import { memo, useState } from 'react';
import { Avatar } from '@/components/avatar';
import type { Message } from '@/lib/api-types';
import { formatDateTime } from '@/lib/format';
import {
  clockOf,
  QuotedReply,
  Reactions,
  ReceiptTicks,
  senderHue,
  senderLabel,
} from '@/features/messages/components/bubble-parts';
import { LinkedText } from '@/features/messages/components/linked-text';
import { FlagLine, StateMarks } from '@/features/messages/components/message-flags';
import {
  AudioContent,
  DocumentContent,
  ImageContent,
  StickerContent,
  VideoContent,
} from '@/features/messages/components/media-content';
import { ContactContent, LocationContent, PollContent } from '@/features/messages/components/structured-content';
import { VersionHistory } from '@/features/messages/components/version-history';
import { markersOf } from '@/features/messages/utils/raw-content';

export interface MessageBubbleProps {
  message: Message;
  showSender?: boolean;
  highlighted?: boolean;
  onJumpToMessage?: (messageId: string) => void;
}

const CAPTIONED = new Set(['image', 'video', 'document']);

function Body({ message }: { message: Message }) {
  switch (message.type) {
    case 'image':
      return <ImageContent message={message} />;
    case 'video':
      return <VideoContent media={message.media} />;
    case 'audio':
    case 'voice':
      return <AudioContent media={message.media} voice={message.type === 'voice'} />;
    case 'document':
      return <DocumentContent media={message.media} />;
    case 'sticker':
      return <StickerContent media={message.media} />;
    case 'location':
      return <LocationContent message={message} />;
    case 'contact':
      return <ContactContent message={message} />;
    case 'poll':
      return <PollContent message={message} />;
    case 'text':
      return message.text ? <LinkedText text={message.text} /> : <em className="muted">(empty message)</em>;
    default:
      return message.text ? (
        <LinkedText text={message.text} />
      ) : (
        <em className="muted">Unsupported message ({message.type})</em>
      );
  }
}

function Content({ message }: { message: Message }) {
  return (
    <>
      <Body message={message} />
      {CAPTIONED.has(message.type) && message.text && (
        <div className="caption">
          <LinkedText text={message.text} />
        </div>
      )}
    </>
  );
}

function DeletedContent({ message }: { message: Message }) {
  const [revealed, setRevealed] = useState(false);
  const when = message.deleted_at ? ` · ${formatDateTime(message.deleted_at)}` : '';
  return (
    <>
      <div className="deleted-note">
        <span>🚫 This message was deleted{when}</span>
        <button
          type="button"
          className="link-button"
          onClick={() => setRevealed((value) => !value)}
          aria-expanded={revealed}
        >
          {revealed ? 'Hide original' : 'Show original'}
        </button>
      </div>
      {revealed && (
        <div className="deleted-original">
          <Content message={message} />
        </div>
      )}
    </>
  );
}

/** One message of any type, WhatsApp-style: own messages on the right with receipt ticks. Memoized:
 * a page loaded above or below re-renders the list's rows, not their bubbles. */
export const MessageBubble = memo(function MessageBubble({
  message,
  showSender = false,
  highlighted = false,
  onJumpToMessage,
}: MessageBubbleProps) {
  const [showVersions, setShowVersions] = useState(false);
  const markers = markersOf(message.content);
  const sticker = message.type === 'sticker' && !message.deleted_at;
  const classes = [
    'bubble',
    message.from_me ? 'bubble-own' : 'bubble-other',
    sticker ? 'bubble-sticker' : '',
    highlighted ? 'bubble-highlight' : '',
    message.deleted_at ? 'bubble-deleted' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <article
      className={classes}
      data-message-id={message.id}
      data-type={message.type}
      aria-label={`Message from ${senderLabel(message)}`}
    >
      {showSender && !message.from_me && (
        <div className="sender" style={{ color: `hsl(${senderHue(message.sender_jid)} 60% 45%)` }}>
          <span className="sender-avatar">
            <Avatar
              name={senderLabel(message)}
              seed={message.sender_jid ?? message.id}
              size={20}
              src={message.sender_avatar_url}
            />
          </span>
          {senderLabel(message)}
        </div>
      )}
      <FlagLine message={message} markers={markers} />
      {message.quoted && <QuotedReply quoted={message.quoted} onJump={(id) => onJumpToMessage?.(id)} />}
      {message.deleted_at ? <DeletedContent message={message} /> : <Content message={message} />}
      <div className="meta">
        {message.edited_at !== null && (
          <button
            type="button"
            className="link-button edited"
            onClick={() => setShowVersions((value) => !value)}
            aria-expanded={showVersions}
          >
            edited{message.versions_count > 1 ? ` ×${message.versions_count}` : ''}
          </button>
        )}
        <time dateTime={new Date(message.timestamp).toISOString()} title={formatDateTime(message.timestamp)}>
          {clockOf(message)}
        </time>
        <StateMarks flags={message.flags} />
        {message.from_me && <ReceiptTicks status={message.status} />}
      </div>
      {showVersions && <VersionHistory chatJid={message.chat_jid} messageId={message.id} />}
      <Reactions reactions={message.reactions} />
    </article>
  );
});
