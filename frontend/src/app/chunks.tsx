import { lazy, type ComponentType } from 'react';

// The app's lazy chunks. The login screen evaluates React and itself only; while it waits for the
// password, idle moments fetch and evaluate these one at a time (each in its own task), so that
// neither the first render after sign-in nor opening a chat evaluates a big chunk at once.

/** A component from a lazy chunk. Once preloaded it renders directly: React.lazy alone would still
 * suspend on first render and show the fallback for a moment (React throttles that reveal). */
function chunk<P extends object>(load: () => Promise<ComponentType<P>>) {
  let loaded: ComponentType<P> | null = null;
  const preload = () => load().then((component) => (loaded = component));
  const Lazy = lazy(() => preload().then((component) => ({ default: component })));
  function Chunk(props: P) {
    const Target = loaded ?? Lazy;
    return <Target {...props} />;
  }
  return { Chunk, preload };
}

const signedIn = chunk(() => import('@/app/signed-in').then((module) => module.default));
const chatWindow = chunk(() =>
  import('@/features/messages/components/chat-window').then((module) => module.ChatWindow),
);
const search = chunk(() => import('@/features/search/components/search-panel').then((module) => module.SearchPanel));
const chatInfo = chunk(() =>
  import('@/features/chats/components/chat-info-panel').then((module) => module.ChatInfoPanel),
);
const admin = chunk(() => import('@/features/admin/components/admin-panel').then((module) => module.AdminPanel));
const pairing = chunk(() =>
  import('@/features/pairing/components/pairing-screen').then((module) => module.PairingScreen),
);
const statusPane = chunk(() => import('@/app/status-pane').then((module) => module.StatusPane));
const accounts = chunk(() =>
  import('@/features/accounts/components/accounts-panel').then((module) => module.AccountsPanel),
);
const transfer = chunk(() =>
  import('@/features/transfer/components/transfer-panel').then((module) => module.TransferPanel),
);

export const SignedIn = signedIn.Chunk;
export const ChatWindow = chatWindow.Chunk;
export const SearchPanel = search.Chunk;
export const ChatInfoPanel = chatInfo.Chunk;
export const AdminPanel = admin.Chunk;
export const PairingScreen = pairing.Chunk;
/** Not preloaded: opened from the account switcher. */
export const AccountsPanel = accounts.Chunk;
/** Not preloaded: the Import / Export view is opened rarely, from the ☰ menu. */
export const TransferPanel = transfer.Chunk;
/** Not preloaded: opened with the Status chat. */
export const StatusPane = statusPane.Chunk;

/** In the order a session needs them. */
export const preloads: (() => Promise<unknown>)[] = [signedIn, chatWindow, search, chatInfo, admin, pairing].map(
  (item) => item.preload,
);
