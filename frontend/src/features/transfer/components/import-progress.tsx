import { errorMessage } from '@/lib/api-client';
import { useNavigationStore } from '@/stores/navigation-store';
import type { ImportState, ImportStatus, ImportSummary } from '@/features/transfer/api/transfer-types';
import type { Upload } from '@/features/transfer/api/use-import';
import { ProgressBar } from '@/features/transfer/components/progress-bar';

const STATES: Record<ImportState, string> = {
  created: 'Waiting for the file',
  uploaded: 'Uploaded',
  queued: 'Waiting to start',
  parsing: 'Reading the file',
  publishing: 'Storing media and messages',
  ingesting: 'Adding to the archive',
  done: 'Imported',
  failed: 'Import failed',
};

function Summary({ summary }: { summary: ImportSummary }) {
  const skipped = summary.skipped.reduce((total, item) => total + item.count, 0);
  return (
    <div className="transfer-summary" aria-label="Import summary">
      <dl>
        <dt>Lines</dt><dd>{summary.lines}</dd>
        <dt>Imported</dt><dd>{summary.imported}</dd>
        <dt>Matched archived copies</dt><dd>{summary.matched}</dd>
        <dt>Imported before</dt><dd>{summary.already_imported}</dd>
        <dt>Skipped lines</dt><dd>{skipped}</dd>
        <dt>Media</dt><dd>{summary.media_stored} stored, {summary.media_missing} not in the export</dd>
        <dt>Dates</dt><dd>{summary.date_order}</dd>
      </dl>
      {summary.skipped.length > 0 && (
        <ul className="small" aria-label="Skipped lines by reason">
          {summary.skipped.map((item) => (
            <li key={item.reason}>{item.count} × {item.reason}</li>
          ))}
        </ul>
      )}
      <ul className="small" aria-label="Senders">
        {summary.senders.map((sender) => (
          <li key={sender.name}>
            {sender.name}: {sender.from_me ? 'you' : sender.jid} <span className="muted">({sender.how})</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

interface ImportProgressProps {
  upload: Upload | null;
  status: ImportStatus | null;
  error: unknown;
  pollError: unknown;
}

/** Upload bar, then the job's state and ingest's progress, then the summary (or the reason). */
export function ImportProgress({ upload, status, error, pollError }: ImportProgressProps) {
  const openChat = useNavigationStore((state) => state.openChat);
  if (!upload && !status && !error) return null;
  const applied = status?.batches_applied ?? 0;
  const total = status?.batches_total ?? 0;
  return (
    <div className="transfer-status" aria-live="polite">
      {upload && <ProgressBar label="Upload" value={upload.loaded} max={upload.total} />}
      {status && <p className="strong">{STATES[status.state]}</p>}
      {status && (status.state === 'ingesting' || (status.state === 'done' && total > 0)) && (
        <ProgressBar label={`Ingest: ${applied} of ${total} batches`} value={status.state === 'done' ? total : applied} max={total} />
      )}
      {status?.state === 'failed' && <p role="alert" className="banner-error">{status.error}</p>}
      {error ? <p role="alert" className="banner-error">{errorMessage(error)}</p> : null}
      {pollError ? <p className="muted small">Status not reachable, retrying: {errorMessage(pollError)}</p> : null}
      {status?.summary && <Summary summary={status.summary} />}
      {status?.state === 'done' && (
        <button type="button" className="ghost" onClick={() => openChat(status.chat_jid)}>Open the chat</button>
      )}
    </div>
  );
}
