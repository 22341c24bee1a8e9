import { Suspense, useEffect } from 'react';
import type { ConnectorSession } from '@/lib/api-types';
import { Loading } from '@/components/state-message';
import { useNavigationStore } from '@/stores/navigation-store';
import { ChatList } from '@/features/chats/components/chat-list';
import { ConnectorBanner } from '@/features/pairing/components/connector-banner';
import { AccountSwitcher } from '@/features/accounts/components/account-switcher';
import { AccountMenu } from '@/app/account-menu';
import { useHistorySync } from '@/app/history-sync';
import { MainPane } from '@/app/main-pane';
import { AccountsPanel, AdminPanel, ChatInfoPanel, PairingScreen, SearchPanel, TransferPanel } from '@/app/chunks';

interface ShellProps {
  session: ConnectorSession | null;
  sessionError: unknown;
  /** Asks for the connector session again now. */
  refreshSession: () => void;
}

function TopBar({ session, refreshSession }: Omit<ShellProps, 'sessionError'>) {
  const view = useNavigationStore((state) => state.view);
  const setView = useNavigationStore((state) => state.setView);
  const rightPanel = useNavigationStore((state) => state.rightPanel);
  const toggleRightPanel = useNavigationStore((state) => state.toggleRightPanel);
  return (
    <header className="top-bar">
      <span className="brand">DeepLens</span>
      <AccountSwitcher />
      <nav aria-label="Views" className="tabs">
        <button type="button" aria-pressed={view === 'chats'} onClick={() => setView('chats')}>
          Chats
        </button>
        <button type="button" aria-pressed={view === 'admin'} onClick={() => setView('admin')}>
          Tracking
        </button>
        <button type="button" aria-pressed={rightPanel === 'search'} onClick={() => toggleRightPanel('search')}>
          Search
        </button>
      </nav>
      <AccountMenu session={session} onChanged={refreshSession} />
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
      <button
        type="button"
        className="ghost close-panel"
        onClick={() => toggleRightPanel(rightPanel)}
        aria-label="Close panel"
      >
        ✕
      </button>
      <Suspense fallback={<Loading />}>
        {rightPanel === 'search' ? (
          <SearchPanel currentChatJid={selected} />
        ) : selected ? (
          <ChatInfoPanel jid={selected} />
        ) : null}
      </Suspense>
    </aside>
  );
}

/** Where the right panel covers the chat (≤ 1100 px), jumping to a search hit closes it: the
 * reader wants to see the hit. */
function usePanelClosesOnJump() {
  useEffect(
    () =>
      useNavigationStore.subscribe((next, previous) => {
        if (next.jumpTarget === previous.jumpTarget || !next.jumpTarget || next.rightPanel === 'none') return;
        if (typeof window.matchMedia === 'function' && window.matchMedia('(max-width: 1100px)').matches) {
          useNavigationStore.setState({ rightPanel: 'none' });
        }
      }),
    [],
  );
}

/** The pairing view above the archive (from the banner or the menu): the archive stays below it. */
function PairingOverlay({ session, refreshSession }: Omit<ShellProps, 'sessionError'>) {
  const open = useNavigationStore((state) => state.pairingOpen);
  const closePairing = useNavigationStore((state) => state.closePairing);
  if (!open || !session) return null;
  return (
    <Suspense fallback={null}>
      <PairingScreen session={session} onChanged={refreshSession} onClose={closePairing} />
    </Suspense>
  );
}

/** Top bar, connector banner, then Sidebar | Main | Right panel. On a phone (≤ 720 px) one column:
 * the chat list, or the open chat with a back button (the browser's back works too). */
export function Shell({ session, sessionError, refreshSession }: ShellProps) {
  const view = useNavigationStore((state) => state.view);
  const selected = useNavigationStore((state) => state.selectedChatJid);
  const rightPanel = useNavigationStore((state) => state.rightPanel);
  const openPairing = useNavigationStore((state) => state.openPairing);
  useHistorySync();
  usePanelClosesOnJump();
  return (
    <div className="app" data-chat-open={selected !== null && view === 'chats'} data-panel={rightPanel}>
      <TopBar session={session} refreshSession={refreshSession} />
      <ConnectorBanner session={session} error={sessionError} onLink={openPairing} onRetry={refreshSession} />
      <div className="layout">
        {view === 'chats' && (
          <nav className="sidebar" aria-label="Chat list">
            <ChatList />
          </nav>
        )}
        <main className="main">
          <Suspense fallback={<Loading />}>
            {view === 'admin' ? (
              <AdminPanel />
            ) : view === 'transfer' ? (
              <TransferPanel />
            ) : view === 'accounts' ? (
              <AccountsPanel />
            ) : (
              <MainPane />
            )}
          </Suspense>
        </main>
        <RightPanel />
      </div>
      <PairingOverlay session={session} refreshSession={refreshSession} />
    </div>
  );
}
