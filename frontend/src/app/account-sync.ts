import { useEffect } from 'react';
import { useAccountStore } from '@/stores/account-store';
import { pushAccountEntry } from '@/app/history-sync';

// The chosen account lives in the URL's query (`?account=sales`): a reload or a shared link keeps
// it, and the browser's back button returns to the account before a switch.

const PARAM = 'account';

export function accountInUrl(): string | null {
  return new URLSearchParams(window.location.search).get(PARAM) || null;
}

function urlWith(account: string | null): string {
  const url = new URL(window.location.href);
  if (account === null) url.searchParams.delete(PARAM);
  else url.searchParams.set(PARAM, account);
  return `${url.pathname}${url.search}${url.hash}`;
}

export function useAccountUrlSync(): void {
  useEffect(() => {
    let restoring = false;
    const unsubscribe = useAccountStore.subscribe((next, previous) => {
      if (restoring || next.current === previous.current || next.current === accountInUrl()) return;
      // The first choice names the account in the URL as it is; a switch is a new history entry.
      if (previous.current === null) window.history.replaceState(window.history.state, '', urlWith(next.current));
      else pushAccountEntry(urlWith(next.current));
    });
    const onPopState = () => {
      const wanted = accountInUrl();
      const { accounts, current } = useAccountStore.getState();
      if (wanted === null || wanted === current || !accounts?.some((account) => account.id === wanted)) return;
      restoring = true;
      try {
        useAccountStore.setState({ current: wanted }); // the entry's open chat is that account's: kept
      } finally {
        restoring = false;
      }
    };
    window.addEventListener('popstate', onPopState);
    return () => {
      unsubscribe();
      window.removeEventListener('popstate', onPopState);
    };
  }, []);
}
