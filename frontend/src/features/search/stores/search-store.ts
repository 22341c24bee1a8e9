import { create } from 'zustand';
import type { MessageType } from '@/lib/api-types';

export interface SearchFilters {
  chat: string;
  sender: string;
  from: string;
  to: string;
  type: MessageType | '';
  /** Search the account shown, or every account (hits name theirs). */
  accounts: 'shown' | 'all';
}

interface SearchState {
  draft: string;
  filters: SearchFilters;
  /** The submitted query; null until the first search. */
  submitted: { q: string; filters: SearchFilters } | null;
  setDraft: (draft: string) => void;
  setFilter: <K extends keyof SearchFilters>(key: K, value: SearchFilters[K]) => void;
  submit: () => void;
}

const initial = {
  draft: '',
  filters: { chat: '', sender: '', from: '', to: '', type: '', accounts: 'shown' } as SearchFilters,
  submitted: null as SearchState['submitted'],
};

export const useSearchStore = create<SearchState>()((set) => ({
  ...initial,
  setDraft: (draft) => set({ draft }),
  setFilter: (key, value) => set((state) => ({ filters: { ...state.filters, [key]: value } })),
  submit: () =>
    set((state) => (state.draft.trim() ? { submitted: { q: state.draft.trim(), filters: state.filters } } : {})),
}));

export const resetSearchStore = (): void => useSearchStore.setState(initial);
