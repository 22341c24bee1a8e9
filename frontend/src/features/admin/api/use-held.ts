import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '@/lib/api-client';
import { useRemote } from '@/lib/use-remote';
import { forgetAllHeld, forgetHeld, heldStatus, type HeldStatus } from '@/features/admin/api/held-api';

export const HELD_POLL_MS = 2000;

export interface Held {
  status: HeldStatus | undefined;
  reload: () => void;
  /** What the last 'forget now' did (or why it failed), for the panel to say. */
  notice: string | null;
  forget: (jid: string | null) => Promise<void>;
}

/** The held history of untracked chats: how long it is kept, the replays of chats tracked since
 * (polled while one runs), and 'forget now' for one chat or all. */
export function useHeld(): Held {
  const remote = useRemote('tracking-held', heldStatus);
  const [notice, setNotice] = useState<string | null>(null);
  const running = Object.values(remote.data?.replays ?? {}).some((replay) => replay.state === 'running');
  const { reload } = remote;

  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(reload, HELD_POLL_MS);
    return () => clearTimeout(timer);
  }, [running, reload, remote.data]);

  const forget = useCallback(async (jid: string | null) => {
    try {
      const { deleted } = jid === null ? await forgetAllHeld() : await forgetHeld(jid);
      setNotice(`Forgotten: ${deleted} held batch${deleted === 1 ? '' : 'es'}${jid === null ? '' : ` of ${jid}`}.`);
    } catch (error) {
      setNotice(`Not forgotten: ${errorMessage(error)}`);
    }
  }, []);

  return { status: remote.error ? undefined : remote.data, reload, notice, forget };
}
