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
  /** Many chats at once: BULK_CONCURRENCY PATCHes in flight (the browser's per-host limit). */
  updateMany: (jids: string[], change: TrackingUpdate) => Promise<void>;
  dismissFailures: () => void;
}

export const BULK_CONCURRENCY = 6;
const BULK_FLUSH = 50;

interface Outcome {
  jid: string;
  row?: TrackingItem;
  error?: unknown;
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

  /** Results are applied in batches: one render per BULK_FLUSH answers, not two per chat. */
  const settle = useCallback((outcomes: Outcome[]) => {
    if (outcomes.length === 0) return;
    const rows = outcomes.flatMap(({ jid, row }) => (row ? [[jid, row] as const] : []));
    const failed = outcomes.filter((outcome) => !outcome.row);
    if (rows.length) setConfirmed((previous) => ({ ...previous, ...Object.fromEntries(rows) }));
    if (failed.length)
      setFailures((previous) => [...previous, ...failed.map(({ jid, error }) => `${jid}: ${errorMessage(error)}`)]);
    const done = new Set(outcomes.map(({ jid }) => jid));
    setOptimistic((previous) => Object.fromEntries(Object.entries(previous).filter(([jid]) => !done.has(jid))));
  }, []);

  const updateMany = useCallback(
    async (jids: string[], change: TrackingUpdate) => {
      setOptimistic((previous) => ({
        ...previous,
        ...Object.fromEntries(jids.map((jid) => [jid, { ...previous[jid], ...change }])),
      }));
      const queue = [...jids];
      let answered: Outcome[] = [];
      const flush = () => {
        settle(answered);
        answered = [];
      };
      const worker = async () => {
        for (let jid = queue.shift(); jid !== undefined; jid = queue.shift()) {
          try {
            answered.push({ jid, row: await updateTracking(jid, change) });
          } catch (error) {
            answered.push({ jid, error });
          }
          if (answered.length >= BULK_FLUSH) flush();
        }
      };
      await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, jids.length) }, worker));
      flush();
    },
    [settle],
  );

  const update = useCallback((jid: string, change: TrackingUpdate) => updateMany([jid], change), [updateMany]);

  const dismissFailures = useCallback(() => setFailures([]), []);
  return {
    items,
    loading: remote.loading,
    error: remote.error,
    reload: remote.reload,
    pending,
    failures,
    update,
    updateMany,
    dismissFailures,
  };
}
