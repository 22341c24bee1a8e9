interface ProgressBarProps {
  label: string;
  value: number;
  max: number;
}

/** A labelled bar; `max` 0 shows an empty bar (nothing known yet). */
export function ProgressBar({ label, value, max }: ProgressBarProps) {
  const percent = max > 0 ? Math.min(100, Math.round((value / max) * 100)) : 0;
  return (
    <div className="transfer-progress">
      <div className="transfer-progress-label small">
        <span>{label}</span>
        <span className="muted">{percent}%</span>
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
