import type { Held } from '@/features/admin/api/use-held';
import type { HeldReplay } from '@/features/admin/api/held-api';

const REPLAY_TEXT: Record<HeldReplay['state'], (replay: HeldReplay) => string> = {
  running: (replay) => `restoring its history (${replay.batches} batches queued so far)`,
  done: (replay) => `history restored (${replay.batches} batches)`,
  failed: (replay) => `history not restored: ${replay.error ?? 'unknown error'}`,
};

/** Says plainly how long untracked chats are held, the replays of chats tracked since, and offers
 * 'forget now' for all of them (per chat: the row's Forget button). */
export function HeldHistory({ held }: { held: Held }) {
  const status = held.status;
  if (!status) return null;
  const replays = Object.entries(status.replays);
  return (
    <div className="held-history" role="region" aria-label="Held history of untracked chats">
      {status.retention_days > 0 ? (
        <p>
          Untracked chats are not archived, but their messages are held for {status.retention_days} days: track a chat
          within that time and its history comes back.{' '}
          <button type="button" className="ghost" onClick={() => void held.forget(null)}>
            Forget now (all chats)
          </button>
        </p>
      ) : (
        <p className="muted small">
          Untracked chats are not held: tracking a chat later archives only what arrives from then on.
        </p>
      )}
      {held.notice && (
        <p role="status" className="muted small">
          {held.notice}
        </p>
      )}
      {replays.length > 0 && (
        <ul className="held-replays" aria-label="History replays">
          {replays.map(([jid, replay]) => (
            <li key={jid}>
              {jid}: {REPLAY_TEXT[replay.state](replay)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
