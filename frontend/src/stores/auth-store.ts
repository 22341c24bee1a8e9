import { create } from 'zustand';

export type AuthStatus = 'unknown' | 'anonymous' | 'authenticated';

interface AuthState {
  status: AuthStatus;
  setStatus: (status: AuthStatus) => void;
}

const initial = { status: 'unknown' as AuthStatus };

/** Whether the session cookie works (it is HttpOnly, so the UI only learns it from responses). */
export const useAuthStore = create<AuthState>()((set) => ({
  ...initial,
  setStatus: (status) => set({ status }),
}));

export const resetAuthStore = (): void => useAuthStore.setState(initial);
