import { create } from 'zustand';
import type { ChatKind } from '@/lib/api-types';

export type TrackingStateFilter = 'all' | 'tracked' | 'untracked' | 'auto_download' | 'no_auto_download';

interface AdminFilterState {
  kind: ChatKind | 'all';
  state: TrackingStateFilter;
  text: string;
  setKind: (kind: ChatKind | 'all') => void;
  setState: (state: TrackingStateFilter) => void;
  setText: (text: string) => void;
}

const initial = { kind: 'all' as ChatKind | 'all', state: 'all' as TrackingStateFilter, text: '' };

export const useAdminFilterStore = create<AdminFilterState>()((set) => ({
  ...initial,
  setKind: (kind) => set({ kind }),
  setState: (state) => set({ state }),
  setText: (text) => set({ text }),
}));

export const resetAdminFilterStore = (): void => useAdminFilterStore.setState(initial);
