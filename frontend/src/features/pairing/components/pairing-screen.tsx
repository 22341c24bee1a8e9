import QRCode from 'react-qr-code';
import type { ConnectorSession } from '@/lib/api-types';
import { describeState, PROBLEM_STATES } from '@/features/pairing/api/session-api';
import { HistoryProgress } from '@/features/pairing/components/history-progress';

interface PairingScreenProps {
  session: ConnectorSession;
  onBrowse: () => void;
}

export function PairingScreen({ session, onBrowse }: PairingScreenProps) {
  const problem = PROBLEM_STATES.has(session.state);
  return (
    <main className="pairing" aria-labelledby="pairing-title">
      <div className="pairing-card">
        <h1 id="pairing-title">Link WhatsApp</h1>
        <p className={problem ? 'error-text' : 'muted'} role="status" aria-live="polite">
          {describeState(session)}
          {session.detail && <span className="state-detail"> Reason: {session.detail}</span>}
        </p>
        <div className="qr-box" data-state={session.state}>
          {session.qr_code ? (
            <QRCode value={session.qr_code} size={232} title="WhatsApp pairing code" aria-label="WhatsApp pairing code" />
          ) : (
            <div className="qr-placeholder" aria-hidden="true">
              {session.state === 'connecting' || session.state === 'paired' ? '…' : 'Waiting for a code'}
            </div>
          )}
        </div>
        {session.qr_expires_at && session.qr_code && (
          <p className="muted small">The code rotates; this page follows it.</p>
        )}
        <HistoryProgress progress={session.history_progress} />
        <button type="button" className="ghost" onClick={onBrowse}>
          Browse the archive instead
        </button>
      </div>
    </main>
  );
}
