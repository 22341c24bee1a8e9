import type { ConnectorSession } from '@/lib/api-types';
import { describeState, PROBLEM_STATES } from '@/features/pairing/api/session-api';
import { HistoryProgress } from '@/features/pairing/components/history-progress';

/** A thin strip above the layout: connector problems with their reason, and history sync progress. */
export function ConnectionBanner({ session }: { session: ConnectorSession | null }) {
  if (!session) return null;
  const problem = PROBLEM_STATES.has(session.state);
  const syncing = session.history_progress !== null && session.history_progress < 100;
  if (!problem && !syncing) return null;
  return (
    <div className={problem ? 'banner banner-error' : 'banner'} role="status">
      {problem && (
        <span>
          {describeState(session)}
          {session.detail ? ` Reason: ${session.detail}` : ''}
        </span>
      )}
      <HistoryProgress progress={session.history_progress} />
    </div>
  );
}
