import { useAccountStore, type Account } from '@/stores/account-store';
import { refreshAccounts } from '@/features/accounts/api/use-accounts';

/** An account as the API answered after a change, into the list at once (the poll confirms it). */
export function storeAccount(changed: Account): void {
  const { accounts, setAccounts } = useAccountStore.getState();
  const list = accounts ?? [];
  const known = list.some((account) => account.id === changed.id);
  setAccounts(known ? list.map((account) => (account.id === changed.id ? changed : account)) : [...list, changed]);
  refreshAccounts();
}

/** A deleted account out of the list; the one shown moves to another if it was that one. */
export function forgetAccount(id: string): void {
  const { accounts, current, setAccounts, choose } = useAccountStore.getState();
  const rest = (accounts ?? []).filter((account) => account.id !== id);
  setAccounts(rest);
  if (current === id) choose(rest[0]?.id ?? null);
  refreshAccounts();
}
