import { Empty, ErrorNotice, Loading } from '@/components/state-message';
import { formatDateTime } from '@/lib/format';
import { useRemote } from '@/lib/use-remote';
import { listVersions } from '@/features/messages/api/messages-api';

export function VersionHistory({ chatJid, messageId }: { chatJid: string; messageId: string }) {
  const { data, error, loading, reload } = useRemote(`${chatJid}/${messageId}`, (signal) =>
    listVersions(chatJid, messageId, signal),
  );
  if (error) return <ErrorNotice error={error} onRetry={reload} />;
  if (loading || !data) return <Loading label="Loading versions…" />;
  if (data.versions.length === 0) return <Empty>No earlier versions archived.</Empty>;
  return (
    <ol className="versions" aria-label="Edit history">
      {data.versions.map((version, index) => (
        <li key={`${version.edited_at}-${index}`}>
          <span className="muted small">
            {version.is_original ? 'Original' : 'Edited'} · {formatDateTime(version.edited_at)}
          </span>
          <div>{version.text ?? <em className="muted">(no text)</em>}</div>
        </li>
      ))}
    </ol>
  );
}
