interface HistoryProgressProps {
  progress: number | null;
}

/** Shown while the history sync after pairing is under way. */
export function HistoryProgress({ progress }: HistoryProgressProps) {
  if (progress === null || progress >= 100) return null;
  const value = Math.max(0, Math.min(100, Math.round(progress)));
  return (
    <div className="history-progress">
      <span id="history-progress-label">Syncing history… {value}%</span>
      <div
        className="progress-track"
        role="progressbar"
        aria-labelledby="history-progress-label"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value}
      >
        <div className="progress-fill" style={{ width: `${value}%` }} />
      </div>
    </div>
  );
}
