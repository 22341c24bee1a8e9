import { useEffect, useState } from 'react';

export const POLL_MS = 700;

/** A job's status, asked for every POLL_MS until `finished` says it is over (or the id changes). */
export function useJob<T>(
  id: string | null,
  load: (id: string, signal: AbortSignal) => Promise<T>,
  finished: (status: T) => boolean,
) {
  const [status, setStatus] = useState<{ id: string; value: T } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (id === null) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const value = await load(id, controller.signal);
        setStatus({ id, value });
        setError(null);
        if (finished(value)) return;
      } catch (caught) {
        if (controller.signal.aborted) return;
        setError(caught); // shown, and asked again: a passing outage should not end the follow-up
      }
      timer = setTimeout(() => void tick(), POLL_MS);
    };
    void tick();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
    // `load` and `finished` are module-level functions: the id alone restarts the polling
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);
  return { status: status !== null && status.id === id ? status.value : null, error };
}
