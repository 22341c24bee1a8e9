import { Suspense } from 'react';
import type { ConnectorSession } from '@/lib/api-types';
import { Loading } from '@/components/state-message';
import { errorMessage } from '@/lib/api-client';
import { useNavigationStore } from '@/stores/navigation-store';
import { LogoutButton } from '@/features/auth/components/logout-button';
import { ChatList } from '@/features/chats/components/chat-list';
import { ConnectionBanner } from '@/features/pairing/components/connection-banner';
import { MainPane } from '@/app/main-pane';
import { AdminPanel, ChatInfoPanel, SearchPanel } from '@/app/chunks';

interface ShellProps {
  session: ConnectorSession | null;
  sessionError: unknown;
}

function TopBar() {
  const view = useNavigationStore((state) => state.view);
  const setView = useNavigationStore((state) => state.setView);
  const rightPanel = useNavigationStore((state) => state.rightPanel);
  const toggleRightPanel = useNavigationStore((state) => state.toggleRightPanel);
  return (
    <header className="top-bar">
      <span className="brand">DeepLens</span>
      <nav aria-label="Views" className="tabs">
        <button type="button" aria-pressed={view === 'chats'} onClick={() => setView('chats')}>Chats</button>
        <button type="button" aria-pressed={view === 'admin'} onClick={() => setView('admin')}>Tracking</button>
        <button type="button" aria-pressed={rightPanel === 'search'} onClick={() => toggleRightPanel('search')}>Search</button>
      </nav>
      <LogoutButton />
    </header>
  );
}

function RightPanel() {
  const rightPanel = useNavigationStore((state) => state.rightPanel);
  const selected = useNavigationStore((state) => state.selectedChatJid);
  const toggleRightPanel = useNavigationStore((state) => state.toggleRightPanel);
  if (rightPanel === 'none') return null;
  return (
    <aside className="right-panel" aria-label={rightPanel === 'search' ? 'Search panel' : 'Chat info panel'}>
      <button type="button" className="ghost close-panel" onClick={() => toggleRightPanel(rightPanel)} aria-label="Close panel">✕</button>
      <Suspense fallback={<Loading />}>
        {rightPanel === 'search' ? <SearchPanel currentChatJid={selected} /> : selected ? <ChatInfoPanel jid={selected} /> : null}
      </Suspense>
    </aside>
  );
}

/** Sidebar | Main | Right panel; the sidebar hides on narrow screens while a chat is open. */
export function Shell({ session, sessionError }: ShellProps) {
  const view = useNavigationStore((state) => state.view);
  const selected = useNavigationStore((state) => state.selectedChatJid);
  const rightPanel = useNavigationStore((state) => state.rightPanel);
  return (
    <div className="app" data-chat-open={selected !== null && view === 'chats'} data-panel={rightPanel}>
      <TopBar />
      <ConnectionBanner session={session} />
      {sessionError && !session ? <div className="banner banner-error" role="status">Connector status unavailable: {errorMessage(sessionError)}</div> : null}
      <div className="layout">
        {view === 'chats' && (
          <nav className="sidebar" aria-label="Chat list">
            <ChatList />
          </nav>
        )}
        <main className="main">
          <Suspense fallback={<Loading />}>{view === 'admin' ? <AdminPanel /> : <MainPane />}</Suspense>
        </main>
        <RightPanel />
      </div>
    </div>
  );
}
