import { create } from 'zustand';

export type RightPanel = 'none' | 'info' | 'search';
export type MainView = 'chats' | 'admin' | 'transfer' | 'accounts';

export interface JumpTarget {
  chatJid: string;
  messageId: string;
  /** Distinguishes two jumps to the same message. */
  nonce: number;
}

interface NavigationState {
  view: MainView;
  selectedChatJid: string | null;
  rightPanel: RightPanel;
  jumpTarget: JumpTarget | null;
  /** The landing pairing screen was left (or the archive was shown): it never comes back by itself. */
  pairingDismissed: boolean;
  /** The pairing view as an overlay above the archive (from the banner or the menu). */
  pairingOpen: boolean;
  openChat: (jid: string) => void;
  closeChat: () => void;
  jumpTo: (chatJid: string, messageId: string) => void;
  setView: (view: MainView) => void;
  toggleRightPanel: (panel: RightPanel) => void;
  dismissPairing: () => void;
  openPairing: () => void;
  closePairing: () => void;
}

const initial = {
  view: 'chats' as MainView,
  selectedChatJid: null as string | null,
  rightPanel: 'none' as RightPanel,
  jumpTarget: null as JumpTarget | null,
  pairingDismissed: false,
  pairingOpen: false,
};

/** App-wide UI state shared by features (which chat is open, where to jump); never server data. */
export const useNavigationStore = create<NavigationState>()((set) => ({
  ...initial,
  openChat: (jid) => set({ selectedChatJid: jid, view: 'chats', jumpTarget: null }),
  closeChat: () => set({ selectedChatJid: null, jumpTarget: null }),
  jumpTo: (chatJid, messageId) =>
    set((state) => ({
      view: 'chats',
      selectedChatJid: chatJid,
      jumpTarget: { chatJid, messageId, nonce: (state.jumpTarget?.nonce ?? 0) + 1 },
    })),
  setView: (view) => set({ view }),
  toggleRightPanel: (panel) => set((state) => ({ rightPanel: state.rightPanel === panel ? 'none' : panel })),
  dismissPairing: () => set({ pairingDismissed: true }),
  openPairing: () => set({ pairingOpen: true }),
  closePairing: () => set({ pairingOpen: false }),
}));

export const resetNavigationStore = (): void => useNavigationStore.setState(initial);
