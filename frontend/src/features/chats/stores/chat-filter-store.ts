import { create } from 'zustand';

interface ChatFilterState {
  filter: string;
  setFilter: (filter: string) => void;
}

const initial = { filter: '' };

export const useChatFilterStore = create<ChatFilterState>()((set) => ({
  ...initial,
  setFilter: (filter) => set({ filter }),
}));

export const resetChatFilterStore = (): void => useChatFilterStore.setState(initial);
