import { useCallback, useEffect, useRef, useState } from 'react';
import { useAccountStore } from '@/stores/account-store';

interface Settled<T> {
  key: string;
  data?: T;
  error?: unknown;
}

export interface Remote<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Server data for a key (null: nothing to load). Loading is derived: the settled key lags the asked one.
 * The key is the chosen account's too: another account's data is never shown for the same key. */
export function useRemote<T>(unscopedKey: string | null, load: (signal: AbortSignal) => Promise<T>): Remote<T> {
  const account = useAccountStore((state) => state.current);
  const key = unscopedKey === null ? null : `${account ?? ''}\u0000${unscopedKey}`;
  const [nonce, setNonce] = useState(0);
  const [settled, setSettled] = useState<Settled<T> | null>(null);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });
  const requestKey = key === null ? null : `${key}#${nonce}`;

  useEffect(() => {
    if (requestKey === null) return;
    const controller = new AbortController();
    loadRef.current(controller.signal).then(
      (data) => setSettled({ key: requestKey, data }),
      (error: unknown) => {
        if (!controller.signal.aborted) setSettled({ key: requestKey, error });
      },
    );
    return () => controller.abort();
  }, [requestKey]);

  const reload = useCallback(() => setNonce((value) => value + 1), []);
  const current = settled !== null && settled.key === requestKey;
  const sameKey = settled !== null && key !== null && settled.key.startsWith(`${key}#`);
  return {
    data: sameKey ? settled.data : undefined,
    error: current ? settled.error : undefined,
    loading: requestKey !== null && !current,
    reload,
  };
}
