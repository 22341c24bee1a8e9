import { Suspense } from 'react';
import { Avatar } from '@/components/avatar';
import { KindIcon } from '@/components/kind-icon';
import { Empty, ErrorNotice, Loading } from '@/components/state-message';
import { chatTitle } from '@/lib/format';
import { useRemote } from '@/lib/use-remote';
import { useNavigationStore } from '@/stores/navigation-store';
import { ChatCalls } from '@/features/calls/components/calls-list';
import { getChat } from '@/features/chats/api/chats-api';
import { ChatWindow, StatusPane } from '@/app/chunks';

export function MainPane() {
  const jid = useNavigationStore((state) => state.selectedChatJid);
  const closeChat = useNavigationStore((state) => state.closeChat);
  const toggleRightPanel = useNavigationStore((state) => state.toggleRightPanel);
  const { data: chat, error, reload } = useRemote(jid, (signal) => getChat(jid ?? '', signal));
  if (!jid) return <Empty>Choose a chat to read it.</Empty>;
  if (error) return <ErrorNotice error={error} onRetry={reload} />;
  const title = chat ? chatTitle(chat) : '…';
  return (
    <section className="chat-window" aria-label={`Chat ${title}`}>
      <header className="chat-header">
        <button type="button" className="ghost back" onClick={closeChat} aria-label="Back to chats">
          ←
        </button>
        <Avatar name={title} seed={jid} size={36} src={chat?.avatar_url} />
        <div className="chat-header-title">
          <span className="strong">{title}</span>
          {chat && (
            <span className="muted small">
              <KindIcon kind={chat.kind} /> {chat.message_count.toLocaleString()} messages
              {!chat.is_tracked && <span className="tag">untracked</span>}
            </span>
          )}
        </div>
        <button type="button" className="ghost" onClick={() => toggleRightPanel('info')}>
          Info
        </button>
      </header>
      {chat && <ChatCalls key={`calls-${jid}`} jid={jid} />}
      {chat && (
        <Suspense fallback={<Loading label="Loading messages…" />}>
          {chat.kind === 'status' ? <StatusPane /> : <ChatWindow key={jid} jid={jid} kind={chat.kind} />}
        </Suspense>
      )}
    </section>
  );
}
