import { useCallback, useMemo, useState } from 'react';
import { errorMessage } from '@/lib/api-client';
import type { TrackingItem, TrackingUpdate } from '@/lib/api-types';
import { useRemote } from '@/lib/use-remote';
import { listTracking, updateTracking } from '@/features/admin/api/tracking-api';

export interface Tracking {
  items: TrackingItem[];
  loading: boolean;
  error: unknown;
  reload: () => void;
  pending: ReadonlySet<string>;
  failures: string[];
  update: (jid: string, change: TrackingUpdate) => Promise<void>;
  dismissFailures: () => void;
}

/** The tracking table with optimistic updates: a change shows at once and is rolled back when the
 * PATCH fails (the row returns to its last confirmed value and the failure is reported). */
export function useTracking(): Tracking {
  const remote = useRemote('tracking', listTracking);
  const [confirmed, setConfirmed] = useState<Record<string, TrackingItem>>({});
  const [optimistic, setOptimistic] = useState<Record<string, TrackingUpdate>>({});
  const [failures, setFailures] = useState<string[]>([]);

  const items = useMemo(
    () => (remote.data ?? []).map((item) => ({ ...item, ...confirmed[item.jid], ...optimistic[item.jid] })),
    [remote.data, confirmed, optimistic],
  );
  const pending = useMemo(() => new Set(Object.keys(optimistic)), [optimistic]);

  const update = useCallback(async (jid: string, change: TrackingUpdate) => {
    setOptimistic((previous) => ({ ...previous, [jid]: { ...previous[jid], ...change } }));
    try {
      const row = await updateTracking(jid, change);
      setConfirmed((previous) => ({ ...previous, [jid]: row }));
    } catch (error) {
      setFailures((previous) => [...previous, `${jid}: ${errorMessage(error)}`]);
    } finally {
      setOptimistic((previous) => {
        const { [jid]: _done, ...rest } = previous;
        void _done;
        return rest;
      });
    }
  }, []);

  const dismissFailures = useCallback(() => setFailures([]), []);
  return { items, loading: remote.loading, error: remote.error, reload: remote.reload, pending, failures, update, dismissFailures };
}
