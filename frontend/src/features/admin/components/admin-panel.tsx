import { useMemo } from 'react';
import { List, type RowComponentProps } from 'react-window';
import type { ChatKind, TrackingItem, TrackingUpdate } from '@/lib/api-types';
import { kindLabel } from '@/components/kind-icon';
import { Empty, ErrorNotice, Loading } from '@/components/state-message';
import { useTracking } from '@/features/admin/api/use-tracking';
import { useHeld } from '@/features/admin/api/use-held';
import { HeldHistory } from '@/features/admin/components/held-history';
import { TrackingRow } from '@/features/admin/components/tracking-row';
import { useAdminFilterStore, type TrackingStateFilter } from '@/features/admin/stores/admin-filter-store';

const KINDS: ChatKind[] = ['group', 'community', 'direct', 'newsletter', 'broadcast', 'status'];
const STATES: Record<TrackingStateFilter, string> = {
  all: 'All',
  tracked: 'Tracked',
  untracked: 'Untracked',
  auto_download: 'Auto-download on',
  no_auto_download: 'Auto-download off',
};
const MATCHES: Record<TrackingStateFilter, (item: TrackingItem) => boolean> = {
  all: () => true,
  tracked: (item) => item.is_tracked,
  untracked: (item) => !item.is_tracked,
  auto_download: (item) => item.auto_download_media,
  no_auto_download: (item) => !item.auto_download_media,
};

interface RowData {
  items: TrackingItem[];
  pending: ReadonlySet<string>;
  onChange: (jid: string, change: TrackingUpdate) => void;
  onForget?: (jid: string) => void;
}

function Row({ index, style, items, pending, onChange, onForget }: RowComponentProps<RowData>) {
  const item = items[index];
  return item ? (
    <TrackingRow item={item} pending={pending.has(item.jid)} style={style} onChange={onChange} onForget={onForget} />
  ) : null;
}

function Counts({ items }: { items: TrackingItem[] }) {
  const tracked = items.filter((item) => item.is_tracked).length;
  const auto = items.filter((item) => item.auto_download_media).length;
  return (
    <p className="counts" aria-live="polite">
      {items.length} chats · {tracked} tracked · {items.length - tracked} untracked · {auto} auto-download
    </p>
  );
}

/** Every detected chat with its Track / Auto-download toggles. */
export function AdminPanel() {
  const tracking = useTracking();
  const held = useHeld();
  const { kind, state, text, setKind, setState, setText } = useAdminFilterStore();
  const needle = text.trim().toLowerCase();
  const shown = useMemo(
    () =>
      tracking.items.filter(
        (item) =>
          (kind === 'all' || item.kind === kind) &&
          MATCHES[state](item) &&
          (!needle || (item.name ?? '').toLowerCase().includes(needle) || item.jid.includes(needle)),
      ),
    [tracking.items, kind, state, needle],
  );
  const replayed = (update: TrackingUpdate) => () => {
    if (update.is_tracked) held.reload(); // tracking a chat replays its held history: show it
  };
  const change = (jid: string, update: TrackingUpdate) => void tracking.update(jid, update).then(replayed(update));
  const forget = held.status && held.status.retention_days > 0 ? (jid: string) => void held.forget(jid) : undefined;
  const bulk = (update: TrackingUpdate) => {
    const [key, value] = Object.entries(update)[0] ?? [];
    if (!key) return;
    const differing = shown.filter((item) => item[key as keyof TrackingUpdate] !== value).map((item) => item.jid);
    void tracking.updateMany(differing, update).then(replayed(update));
  };

  return (
    <section className="admin-panel" aria-labelledby="admin-title">
      <header className="admin-head">
        <h2 id="admin-title">Tracking</h2>
        <Counts items={tracking.items} />
      </header>
      <HeldHistory held={held} />
      <div className="admin-filters">
        <input
          type="search"
          aria-label="Filter by name"
          placeholder="Filter by name"
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        <select aria-label="Kind" value={kind} onChange={(event) => setKind(event.target.value as ChatKind | 'all')}>
          <option value="all">All kinds</option>
          {KINDS.map((value) => (
            <option key={value} value={value}>
              {kindLabel(value)}
            </option>
          ))}
        </select>
        <select
          aria-label="State"
          value={state}
          onChange={(event) => setState(event.target.value as TrackingStateFilter)}
        >
          {Object.entries(STATES).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="bulk" role="group" aria-label={`Bulk actions on the ${shown.length} shown chats`}>
        <span className="muted small">{shown.length} shown:</span>
        <button
          type="button"
          className="ghost"
          onClick={() => bulk({ is_tracked: true })}
          disabled={shown.length === 0}
        >
          Track all
        </button>
        <button
          type="button"
          className="ghost"
          onClick={() => bulk({ is_tracked: false })}
          disabled={shown.length === 0}
        >
          Untrack all
        </button>
        <button
          type="button"
          className="ghost"
          onClick={() => bulk({ auto_download_media: true })}
          disabled={shown.length === 0}
        >
          Auto-download all
        </button>
        <button
          type="button"
          className="ghost"
          onClick={() => bulk({ auto_download_media: false })}
          disabled={shown.length === 0}
        >
          No auto-download
        </button>
      </div>
      {tracking.failures.length > 0 && (
        <div role="alert" className="banner banner-error">
          <span>Not saved, rolled back: {tracking.failures.join('; ')}</span>
          <button type="button" className="ghost" onClick={tracking.dismissFailures}>
            Dismiss
          </button>
        </div>
      )}
      {tracking.error ? <ErrorNotice error={tracking.error} onRetry={tracking.reload} /> : null}
      {tracking.loading && tracking.items.length === 0 && <Loading label="Loading chats…" />}
      {!tracking.loading && !tracking.error && shown.length === 0 && <Empty>No chat matches these filters.</Empty>}
      {shown.length > 0 && (
        <div
          role="table"
          aria-label="Chats and their tracking"
          aria-rowcount={shown.length + 1}
          className="tracking-table"
        >
          <div role="row" className="tracking-row tracking-header">
            <span role="columnheader">Chat</span>
            <span role="columnheader" className="num">
              Messages
            </span>
            <span role="columnheader">Last activity</span>
            <span role="columnheader">Track</span>
            <span role="columnheader">Auto-download</span>
          </div>
          <List
            role="rowgroup"
            className="virtual-list"
            rowComponent={Row}
            rowCount={shown.length}
            rowHeight={48}
            rowProps={{ items: shown, pending: tracking.pending, onChange: change, onForget: forget }}
            defaultHeight={600}
          />
        </div>
      )}
    </section>
  );
}
