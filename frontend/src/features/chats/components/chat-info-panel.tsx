import { Avatar } from '@/components/avatar';
import { KindIcon, kindLabel } from '@/components/kind-icon';
import { ErrorNotice, Loading } from '@/components/state-message';
import { chatTitle, formatDateTime, jidLabel } from '@/lib/format';
import { useRemote } from '@/lib/use-remote';
import { getChat } from '@/features/chats/api/chats-api';

/** Right panel: who is in the chat and whether it is archived. */
export function ChatInfoPanel({ jid }: { jid: string }) {
  const { data: chat, error, loading, reload } = useRemote(jid, (signal) => getChat(jid, signal));
  if (error) return <ErrorNotice error={error} onRetry={reload} />;
  if (loading && !chat) return <Loading />;
  if (!chat) return null;
  const title = chatTitle(chat);
  return (
    <section className="chat-info" aria-label="Chat info">
      <div className="chat-info-head">
        <Avatar name={title} seed={chat.jid} size={64} src={chat.avatar_url} />
        <h2>{title}</h2>
        <p className="muted small">
          <KindIcon kind={chat.kind} /> {kindLabel(chat.kind)} · {jidLabel(chat.jid)}
        </p>
      </div>
      <dl className="facts">
        <dt>Messages archived</dt>
        <dd>{chat.message_count.toLocaleString()}</dd>
        <dt>Tracked</dt>
        <dd>{chat.is_tracked ? 'Yes' : 'No: new messages are not archived'}</dd>
        <dt>Auto-download media</dt>
        <dd>{chat.auto_download_media ? 'Yes' : 'No'}</dd>
        {chat.last_message_at && (
          <>
            <dt>Last activity</dt>
            <dd>{formatDateTime(chat.last_message_at)}</dd>
          </>
        )}
      </dl>
      {chat.participants.length > 0 && (
        <>
          <h3>{chat.participants.length} participants</h3>
          <ul className="participants">
            {chat.participants.map((person) => (
              <li key={person.jid}>
                <Avatar
                  name={person.name ?? jidLabel(person.jid)}
                  seed={person.jid}
                  size={28}
                  src={person.avatar_url}
                />
                <span>{person.name ?? jidLabel(person.jid)}</span>
                {(person.is_admin || person.is_super_admin) && (
                  <span className="tag">{person.is_super_admin ? 'owner' : 'admin'}</span>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
