import { create } from 'zustand';
import type { ChatFolder } from '@/features/chats/api/chats-api';

interface ChatFilterState {
  filter: string;
  /** The main list or the Archived folder. */
  folder: ChatFolder;
  setFilter: (filter: string) => void;
  setFolder: (folder: ChatFolder) => void;
}

const initial: Pick<ChatFilterState, 'filter' | 'folder'> = { filter: '', folder: 'chats' };

export const useChatFilterStore = create<ChatFilterState>()((set) => ({
  ...initial,
  setFilter: (filter) => set({ filter }),
  setFolder: (folder) => set({ folder }),
}));

export const resetChatFilterStore = (): void => useChatFilterStore.setState(initial);
