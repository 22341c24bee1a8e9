import { useEffect, useState } from 'react';
import { useAccountStore, type Account } from '@/stores/account-store';
import { listAccounts } from '@/features/accounts/api/accounts-api';

export const ACCOUNTS_POLL_MS = 5000;

let pollNow: () => void = () => {};
/** Asks GET /api/accounts again now (after adding, renaming, pausing or deleting one). */
export const refreshAccounts = (): void => pollNow();

/** The account to work on: the current one while it exists, else the one asked for (the URL's);
 * null: neither (the store's setAccounts then takes the one of an earlier visit, or the oldest). */
export function pickAccount(accounts: Account[], current: string | null, wanted: string | null): string | null {
  const ids = accounts.map((account) => account.id);
  if (current !== null && ids.includes(current)) return current;
  return wanted !== null && ids.includes(wanted) ? wanted : null;
}

/** GET /api/accounts every 5 s into the account store (names and state dots), choosing the account
 * at the first answer (`wanted`: the URL's) and again when the chosen one disappears. True once the
 * first answer came (or failed: an API that answers for its only account needs no choice). */
export function useAccountsPolling(wanted: string | null): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    let again = false;
    const tick = async () => {
      clearTimeout(timer);
      if (inFlight) {
        again = true; // asked during a poll: once more when it ends
        return;
      }
      inFlight = true;
      try {
        const accounts = await listAccounts(controller.signal);
        const store = useAccountStore.getState();
        store.choose(pickAccount(accounts, store.current, wanted) ?? store.current);
        store.setAccounts(accounts);
      } catch {
        if (controller.signal.aborted) return;
      } finally {
        inFlight = false;
      }
      setReady(true);
      const delay = again ? 0 : ACCOUNTS_POLL_MS;
      again = false;
      if (!controller.signal.aborted) timer = setTimeout(() => void tick(), delay);
    };
    pollNow = () => void tick();
    void tick();
    return () => {
      pollNow = () => {};
      controller.abort();
      clearTimeout(timer);
    };
  }, [wanted]);
  return ready;
}
