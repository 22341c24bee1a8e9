import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, errorMessage } from '@/lib/api-client';
import type { ConnectorCommand } from '@/lib/api-types';

export interface CommandState {
  busy: boolean;
  /** What happened, in words (for an aria-live line); null before the first run. */
  message: string | null;
  failed: boolean;
  run: () => Promise<boolean>;
}

/** One connector command behind a button: busy while it runs, its outcome in words, then
 * `onDone` (the session poll asks again at once). 409 means the connector is already there. */
export function useCommand(send: () => Promise<ConnectorCommand>, done: string, onDone?: () => void): CommandState {
  const [state, setState] = useState<{ busy: boolean; message: string | null; failed: boolean }>({
    busy: false,
    message: null,
    failed: false,
  });
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(async () => {
    setState({ busy: true, message: null, failed: false });
    try {
      await send();
      if (mounted.current) setState({ busy: false, message: done, failed: false });
      onDone?.();
      return true;
    } catch (error) {
      const conflict = error instanceof ApiError && error.status === 409;
      const message = conflict ? `Not now: ${errorMessage(error)}` : `Failed: ${errorMessage(error)}`;
      if (mounted.current) setState({ busy: false, message, failed: true });
      return false;
    }
  }, [send, done, onDone]);
  return { ...state, run };
}
