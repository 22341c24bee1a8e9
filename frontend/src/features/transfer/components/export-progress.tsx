import { errorMessage, scopedUrl } from '@/lib/api-client';
import { formatBytes } from '@/lib/format';
import type { ExportState, ExportStatus } from '@/features/transfer/api/transfer-types';
import { ProgressBar } from '@/features/transfer/components/progress-bar';

const STATES: Record<ExportState, string> = {
  queued: 'Waiting to start',
  running: 'Writing the export',
  uploading: 'Storing the zip',
  done: 'Export ready',
  failed: 'Export failed',
};

interface ExportProgressProps {
  status: ExportStatus | null;
  error: unknown;
  pollError: unknown;
}

/** Chats and messages written so far, then the download link (or the reason it failed). */
export function ExportProgress({ status, error, pollError }: ExportProgressProps) {
  if (!status && !error) return null;
  return (
    <div className="transfer-status" aria-live="polite">
      {error ? (
        <p role="alert" className="banner-error">
          {errorMessage(error)}
        </p>
      ) : null}
      {status && <p className="strong">{STATES[status.state]}</p>}
      {status && status.state !== 'failed' && (
        <ProgressBar
          label={`Messages: ${status.messages_done} of ${status.messages_total} (chat ${Math.min(status.chats_done + 1, Math.max(status.chats_total, 1))} of ${status.chats_total})`}
          value={status.state === 'done' ? 1 : status.messages_done}
          max={status.state === 'done' ? 1 : status.messages_total}
        />
      )}
      {status?.state === 'failed' && (
        <p role="alert" className="banner-error">
          {status.error}
        </p>
      )}
      {status?.state === 'done' && status.download_url && (
        <p>
          <a className="primary" href={scopedUrl(status.download_url)} download={status.file_name ?? true}>
            Download {status.file_name}
          </a>{' '}
          <span className="muted small">
            {formatBytes(status.size)} · {status.files} {status.files === 1 ? 'file' : 'files'}
            {status.missing_files ? `, ${status.missing_files} missing` : ''}
          </span>
        </p>
      )}
      {pollError ? <p className="muted small">Status not reachable, retrying: {errorMessage(pollError)}</p> : null}
    </div>
  );
}
