import { create } from 'zustand';
import { setApiAccount } from '@/lib/api-client';
import type { components } from '@/lib/api-schema';
import { useNavigationStore } from '@/stores/navigation-store';

export type Account = components['schemas']['Account'];

const STORAGE_KEY = 'deeplens.account';

interface AccountState {
  /** Every account (GET /api/accounts as last polled: the switcher's names and state dots, the
   * account named on a search hit), null until first loaded. */
  accounts: Account[] | null;
  /** The account the archive on screen belongs to: the API client adds it (`?account=`) to every
   * scoped request; null: none chosen (the API then answers for its only account). */
  current: string | null;
  /** The list; when the chosen account is not in it (none yet, or deleted), the one chosen on an
   * earlier visit, else the oldest. */
  setAccounts: (accounts: Account[]) => void;
  /** Work on another account (remembered for the next visit): what was open belonged to the one
   * before, so it closes. */
  choose: (id: string | null) => void;
  /** = choose(id). */
  switchTo: (id: string) => void;
}

function remembered(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function remember(id: string | null): void {
  try {
    if (id !== null) window.localStorage.setItem(STORAGE_KEY, id);
  } catch {
    // private mode: the choice lasts this page only
  }
}

const initial = { accounts: null as Account[] | null, current: null as string | null };

export const useAccountStore = create<AccountState>()((set, get) => ({
  ...initial,
  setAccounts: (accounts) => {
    set({ accounts });
    const { current, choose } = get();
    if (accounts.some((account) => account.id === current)) return;
    const wanted = remembered();
    choose(accounts.some((account) => account.id === wanted) ? wanted : (accounts[0]?.id ?? null));
  },
  choose: (id) => {
    if (id === get().current) return;
    remember(id);
    set({ current: id });
    useNavigationStore.setState({ selectedChatJid: null, jumpTarget: null, pairingOpen: false });
  },
  switchTo: (id) => get().choose(id),
}));

// The API client names the chosen account in every scoped call (it imports no store: see setApiAccount).
useAccountStore.subscribe((state) => setApiAccount(state.current));

export const resetAccountStore = (): void => useAccountStore.setState(initial);
