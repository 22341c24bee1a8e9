import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import QRCode from 'react-qr-code';
import { errorMessage } from '@/lib/api-client';
import type { ConnectorSession } from '@/lib/api-types';
import { formatClock } from '@/lib/format';
import { checkPhone, newQrCode, pairPhone } from '@/features/pairing/api/connector-api';
import { describeState, needsPairing, PROBLEM_STATES } from '@/features/pairing/api/session-api';
import { useCommand } from '@/features/pairing/api/use-command';
import { ConnectorControls } from '@/features/pairing/components/connector-controls';
import { HistoryProgress } from '@/features/pairing/components/history-progress';

interface PairingScreenProps {
  session: ConnectorSession;
  /** After a command was accepted: ask for the session again. */
  onChanged?: () => void;
  /** The landing page (nothing archived yet): leave it for the archive. */
  onBrowse?: () => void;
  /** Shown above the archive: close it (✕, Escape, the browser's back button). */
  onClose?: () => void;
}

type Method = 'qr' | 'phone';

/** Link WhatsApp: scan the QR code, or type an 8-character code on the phone (no second screen
 * needed); then the connector controls. The landing page while nothing is archived, otherwise a
 * dialog above the archive. */
export function PairingScreen({ session, onChanged, onBrowse, onClose }: PairingScreenProps) {
  const [method, setMethod] = useState<Method>(session.pair_code ? 'phone' : 'qr');
  const problem = PROBLEM_STATES.has(session.state);
  const unpaired = needsPairing(session);
  const card = (
    <div className="pairing-card">
      {onClose && (
        <button type="button" className="ghost close-panel" onClick={onClose} aria-label="Close">
          ✕
        </button>
      )}
      <h1 id="pairing-title">Link WhatsApp</h1>
      <p className={problem ? 'error-text' : 'muted'} role="status" aria-live="polite">
        {describeState(session)}
        {session.detail && <span className="state-detail"> Reason: {session.detail}</span>}
      </p>
      {!unpaired && session.account_jid && (
        <p className="muted small">Linked account: {session.account_jid.split('@')[0]?.split(':')[0]}</p>
      )}
      {unpaired && (
        <>
          <div className="segmented" role="group" aria-label="How to link">
            <button type="button" aria-pressed={method === 'qr'} onClick={() => setMethod('qr')}>
              QR code
            </button>
            <button type="button" aria-pressed={method === 'phone'} onClick={() => setMethod('phone')}>
              Link with phone number
            </button>
          </div>
          {method === 'qr' ? (
            <QrMethod session={session} onChanged={onChanged} />
          ) : (
            <PhoneMethod session={session} onChanged={onChanged} />
          )}
        </>
      )}
      <HistoryProgress progress={session.history_progress} />
      <ConnectorControls session={session} onChanged={onChanged} only={['restart', 'logout']} />
      {onBrowse && (
        <button type="button" className="ghost" onClick={onBrowse}>
          Browse the archive instead
        </button>
      )}
      {onClose && !unpaired && (
        <button type="button" className="primary" onClick={onClose}>
          Back to the archive
        </button>
      )}
    </div>
  );
  if (onClose) return <PairingDialog onClose={onClose}>{card}</PairingDialog>;
  return (
    <main className="pairing" aria-labelledby="pairing-title">
      {card}
    </main>
  );
}

/** Modal above the archive: focus moves in and comes back, Escape closes, and what is below is
 * inert (neither focusable nor read out) while it is open. */
function PairingDialog({ onClose, children }: { onClose: () => void; children: ReactNode }) {
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const node = dialog.current;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const below = [...(node?.parentElement?.children ?? [])].filter(
      (element) => element !== node && !element.hasAttribute('inert'),
    );
    for (const element of below) element.setAttribute('inert', '');
    node?.focus();
    return () => {
      for (const element of below) element.removeAttribute('inert');
      before?.focus();
    };
  }, []);
  return (
    <div
      className="pairing pairing-overlay"
      role="dialog"
      aria-modal="true"
      aria-labelledby="pairing-title"
      tabIndex={-1}
      ref={dialog}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      {children}
    </div>
  );
}

function QrMethod({ session, onChanged }: { session: ConnectorSession; onChanged?: () => void }) {
  const newCode = useCommand(newQrCode, 'A new code was requested.', onChanged);
  return (
    <section className="pair-method" aria-label="Link with a QR code">
      <div className="qr-box" data-state={session.state}>
        {session.qr_code ? (
          <QRCode value={session.qr_code} size={232} title="WhatsApp pairing code" aria-label="WhatsApp pairing code" />
        ) : (
          <div className="qr-placeholder" aria-hidden="true">
            {session.state === 'connecting' || session.state === 'paired' ? '…' : 'Waiting for a code'}
          </div>
        )}
      </div>
      <p className="small">
        On your phone: WhatsApp → Settings → Linked devices → Link a device, then point it at this code.
      </p>
      {session.qr_expires_at && session.qr_code && (
        <p className="muted small">The code rotates; this page follows it.</p>
      )}
      <div className="control-row">
        <button type="button" className="ghost" onClick={() => void newCode.run()} disabled={newCode.busy}>
          New QR code
        </button>
        <span aria-live="polite" className={newCode.failed ? 'error-text small' : 'muted small'}>
          {newCode.message}
        </span>
      </div>
    </section>
  );
}

function PhoneMethod({ session, onChanged }: { session: ConnectorSession; onChanged?: () => void }) {
  const [phone, setPhone] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [requested, setRequested] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const checked = checkPhone(phone);
    if ('error' in checked) {
      setProblem(checked.error);
      return;
    }
    setProblem(null);
    setBusy(true);
    try {
      await pairPhone(checked.phone);
      setRequested(true);
      onChanged?.();
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="pair-method" aria-label="Link with phone number">
      <form className="phone-form" onSubmit={submit} noValidate>
        <label htmlFor="pair-phone">Phone number of the WhatsApp account</label>
        <div className="control-row">
          <input
            id="pair-phone"
            type="tel"
            inputMode="tel"
            autoComplete="tel"
            placeholder="+49 151 1234 5678"
            value={phone}
            onChange={(event) => setPhone(event.target.value)}
            aria-invalid={problem !== null}
            aria-describedby={problem ? 'pair-phone-problem' : undefined}
          />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Asking…' : 'Get code'}
          </button>
        </div>
        {problem && (
          <p id="pair-phone-problem" className="error-text small" role="alert">
            {problem}
          </p>
        )}
      </form>
      {session.pair_code ? (
        <PairCode code={session.pair_code} expiresAt={session.pair_code_expires_at} />
      ) : (
        requested && (
          <p className="muted small" role="status">
            Waiting for the code from WhatsApp…
          </p>
        )
      )}
    </section>
  );
}

function PairCode({ code, expiresAt }: { code: string; expiresAt: string | null }) {
  const output = useRef<HTMLOutputElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(code);
      setCopied('Copied.');
    } catch {
      // No clipboard (plain http on a LAN address, or refused): select it for the system's own copy.
      const range = document.createRange();
      if (output.current) range.selectNodeContents(output.current);
      window.getSelection()?.removeAllRanges();
      window.getSelection()?.addRange(range);
      setCopied('Selected: copy it with your system’s Copy.');
    }
  }
  const expires = expiresAt ? Date.parse(expiresAt) : NaN;
  return (
    <div className="pair-code-box">
      <span className="muted small" id="pair-code-label">
        Your code
      </span>
      <output className="pair-code mono" aria-labelledby="pair-code-label" ref={output}>
        {code}
      </output>
      <div className="control-row">
        <button type="button" className="ghost" onClick={() => void copy()}>
          Copy code
        </button>
        <span className="muted small" aria-live="polite">
          {copied}
        </span>
      </div>
      <p className="small">
        On your phone: WhatsApp → Settings → Linked devices → Link a device → Link with phone number instead → enter{' '}
        <strong className="mono">{code}</strong>
      </p>
      {Number.isFinite(expires) && (
        <p className="muted small">Valid until {formatClock(expires)}; a new one can be asked for then.</p>
      )}
    </div>
  );
}
