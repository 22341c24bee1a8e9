import { useState, type FormEvent } from 'react';
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
        <dt>Lines</dt>
        <dd>{summary.lines}</dd>
        <dt>Imported</dt>
        <dd>{summary.imported}</dd>
        <dt>Matched archived copies</dt>
        <dd>{summary.matched}</dd>
        <dt>Imported before</dt>
        <dd>{summary.already_imported}</dd>
        <dt>Skipped lines</dt>
        <dd>{skipped}</dd>
        <dt>Media</dt>
        <dd>
          {summary.media_stored} stored, {summary.media_missing} not in the export
        </dd>
        <dt>Dates</dt>
        <dd>{summary.date_order}</dd>
      </dl>
      {summary.skipped.length > 0 && (
        <ul className="small" aria-label="Skipped lines by reason">
          {summary.skipped.map((item) => (
            <li key={item.reason}>
              {item.count} × {item.reason}
            </li>
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

interface ReviewProps {
  summary: ImportSummary;
  busy: boolean;
  onImport: (mapping: Record<string, string>) => void;
}

/** After a dry run: the senders nobody could identify, each settled with a phone number or JID
 * (or left as they are), then the import itself. */
function SendersReview({ summary, busy, onImport }: ReviewProps) {
  const unknown = summary.senders.filter((sender) => sender.how === 'synthetic');
  const [given, setGiven] = useState<Record<string, string>>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const mapping = Object.fromEntries(
      Object.entries(given)
        .map(([name, id]) => [name, id.trim()])
        .filter(([, id]) => id),
    );
    onImport(mapping);
  };
  return (
    <form className="transfer-form" onSubmit={submit} aria-label="Review the senders">
      {unknown.length === 0 ? (
        <p className="small">Every sender was recognized. Nothing was imported yet.</p>
      ) : (
        <p className="small">
          Nothing was imported yet. Who are these senders? A phone number with its country code (or leave it empty).
        </p>
      )}
      {unknown.map((sender) => (
        <label key={sender.name}>
          {sender.name}
          <input
            value={given[sender.name] ?? ''}
            onChange={(event) => setGiven({ ...given, [sender.name]: event.target.value })}
            maxLength={128}
            placeholder="+49 151 2345678"
          />
        </label>
      ))}
      <button type="submit" className="primary" disabled={busy}>
        Import with these senders
      </button>
    </form>
  );
}

interface ImportProgressProps {
  upload: Upload | null;
  status: ImportStatus | null;
  error: unknown;
  pollError: unknown;
  busy?: boolean;
  onImportReviewed?: (mapping: Record<string, string>) => void;
}

/** Upload bar, then the job's state and ingest's progress, then the summary (or the reason). */
export function ImportProgress({
  upload,
  status,
  error,
  pollError,
  busy = false,
  onImportReviewed,
}: ImportProgressProps) {
  const openChat = useNavigationStore((state) => state.openChat);
  if (!upload && !status && !error) return null;
  const applied = status?.batches_applied ?? 0;
  const total = status?.batches_total ?? 0;
  return (
    <div className="transfer-status" aria-live="polite">
      {upload && <ProgressBar label="Upload" value={upload.loaded} max={upload.total} />}
      {status && <p className="strong">{STATES[status.state]}</p>}
      {status && (status.state === 'ingesting' || (status.state === 'done' && total > 0)) && (
        <ProgressBar
          label={`Ingest: ${applied} of ${total} batches`}
          value={status.state === 'done' ? total : applied}
          max={total}
        />
      )}
      {status?.state === 'failed' && (
        <p role="alert" className="banner-error">
          {status.error}
        </p>
      )}
      {error ? (
        <p role="alert" className="banner-error">
          {errorMessage(error)}
        </p>
      ) : null}
      {pollError ? <p className="muted small">Status not reachable, retrying: {errorMessage(pollError)}</p> : null}
      {status?.summary && <Summary summary={status.summary} />}
      {status?.state === 'done' && status.dry_run && status.summary && onImportReviewed && (
        <SendersReview key={status.id} summary={status.summary} busy={busy} onImport={onImportReviewed} />
      )}
      {status?.state === 'done' && !status.dry_run && (
        <button type="button" className="ghost" onClick={() => openChat(status.chat_jid)}>
          Open the chat
        </button>
      )}
    </div>
  );
}
