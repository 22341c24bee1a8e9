import type { ConnectorSession } from '@/lib/api-types';
import { errorMessage } from '@/lib/api-client';
import { restartConnector } from '@/features/pairing/api/connector-api';
import { bannerNotice, type BannerNotice } from '@/features/pairing/api/session-api';
import { useCommand } from '@/features/pairing/api/use-command';
import { HistoryProgress } from '@/features/pairing/components/history-progress';

interface ConnectorBannerProps {
  session: ConnectorSession | null;
  /** The last GET /api/session failed. */
  error: unknown;
  /** Opens the pairing view above the archive. */
  onLink: () => void;
  /** Asks for the session again now. */
  onRetry: () => void;
}

/** The connector's state above the archive, with what the reader can do about it. The archive
 * stays on screen whatever the connector does; the live region is always in the DOM so that a
 * screen reader announces a change. */
export function ConnectorBanner({ session, error, onLink, onRetry }: ConnectorBannerProps) {
  const notice = session ? bannerNotice(session) : null;
  const progress = session?.history_progress ?? null;
  const syncing = progress !== null && progress < 100;
  const tone = error ? 'error' : (notice?.tone ?? 'info');
  return (
    <div className="connector-banner" role="status" aria-live="polite" data-tone={tone}>
      {error ? (
        <div className="banner-line">
          <span className="banner-text">Connector status unavailable: {errorMessage(error)}</span>
          <span className="banner-actions">
            <button type="button" className="ghost" onClick={onRetry}>
              Retry
            </button>
          </span>
        </div>
      ) : null}
      {!error && notice ? <NoticeLine key={notice.text} notice={notice} onLink={onLink} onRetry={onRetry} /> : null}
      {syncing ? <HistoryProgress progress={progress} /> : null}
    </div>
  );
}

function NoticeLine({ notice, onLink, onRetry }: { notice: BannerNotice; onLink: () => void; onRetry: () => void }) {
  const restart = useCommand(restartConnector, 'Restart requested…', onRetry);
  return (
    <div className="banner-line">
      <span className="banner-text">
        {notice.text}
        {restart.message ? <span className={restart.failed ? 'error-text' : 'muted'}> {restart.message}</span> : null}
      </span>
      <span className="banner-actions">
        {notice.actions.includes('link') && (
          <button type="button" className="primary" onClick={onLink}>
            Link WhatsApp
          </button>
        )}
        {notice.actions.includes('restart') && (
          <button type="button" className="ghost" onClick={() => void restart.run()} disabled={restart.busy}>
            Restart connector
          </button>
        )}
      </span>
    </div>
  );
}
