import type { CSSProperties } from 'react';
import type { TrackingItem, TrackingUpdate } from '@/lib/api-types';
import { KindIcon } from '@/components/kind-icon';
import { chatTitle, formatListTime } from '@/lib/format';

interface TrackingRowProps {
  item: TrackingItem;
  pending: boolean;
  style: CSSProperties;
  onChange: (jid: string, change: TrackingUpdate) => void;
  /** 'Forget now' of an untracked chat's held history (absent: nothing is held). */
  onForget?: (jid: string) => void;
}

function Toggle({
  label,
  checked,
  disabled,
  onChange,
}: {
  label: string;
  checked: boolean;
  disabled: boolean;
  onChange: (value: boolean) => void;
}) {
  return (
    <label className="switch">
      <input
        type="checkbox"
        role="switch"
        aria-label={label}
        checked={checked}
        disabled={disabled}
        onChange={(event) => onChange(event.target.checked)}
      />
      <span className="switch-track" aria-hidden="true" />
    </label>
  );
}

export function TrackingRow({ item, pending, style, onChange, onForget }: TrackingRowProps) {
  const title = chatTitle(item);
  return (
    <div role="row" className={`tracking-row${item.is_tracked ? '' : ' untracked'}`} style={style} aria-busy={pending}>
      <span role="cell" className="tracking-name">
        <KindIcon kind={item.kind} /> <span title={item.jid}>{title}</span>
        {onForget && !item.is_tracked && (
          <button
            type="button"
            className="ghost small"
            aria-label={`Forget the held history of ${title}`}
            onClick={() => onForget(item.jid)}
          >
            Forget
          </button>
        )}
      </span>
      <span role="cell" className="num">
        {item.message_count.toLocaleString()}
      </span>
      <span role="cell" className="muted small">
        {item.last_activity ? formatListTime(item.last_activity) : '—'}
      </span>
      <span role="cell">
        <Toggle
          label={`Track ${title}`}
          checked={item.is_tracked}
          disabled={pending}
          onChange={(value) => onChange(item.jid, { is_tracked: value })}
        />
      </span>
      <span role="cell">
        <Toggle
          label={`Auto-download media of ${title}`}
          checked={item.auto_download_media}
          disabled={pending}
          onChange={(value) => onChange(item.jid, { auto_download_media: value })}
        />
      </span>
    </div>
  );
}
