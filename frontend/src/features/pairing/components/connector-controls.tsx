import { useId, useState } from 'react';
import type { ConnectorSession } from '@/lib/api-types';
import { logoutDevice, newQrCode, restartConnector } from '@/features/pairing/api/connector-api';
import { needsPairing } from '@/features/pairing/api/session-api';
import { useCommand, type CommandState } from '@/features/pairing/api/use-command';

interface ConnectorControlsProps {
  session: ConnectorSession | null;
  /** After a command was accepted: ask for the session again. */
  onChanged?: () => void;
  /** Which controls to show; all that apply to the session by default. */
  only?: ('new-code' | 'restart' | 'logout')[];
}

function Outcome({ command }: { command: CommandState }) {
  if (!command.message) return null;
  return <span className={command.failed ? 'error-text small' : 'muted small'}>{command.message}</span>;
}

/** "New QR code", "Restart connector", "Log out this device" (asks first). */
export function ConnectorControls({ session, onChanged, only }: ConnectorControlsProps) {
  const unpaired = session === null || needsPairing(session);
  const show = (name: 'new-code' | 'restart' | 'logout') => !only || only.includes(name);
  const newCode = useCommand(newQrCode, 'A new code was requested.', onChanged);
  const restart = useCommand(restartConnector, 'Restart requested.', onChanged);
  return (
    <div className="connector-controls">
      <div className="control-row">
        {show('new-code') && unpaired && (
          <button type="button" className="ghost" onClick={() => void newCode.run()} disabled={newCode.busy}>
            New QR code
          </button>
        )}
        {show('restart') && (
          <button type="button" className="ghost" onClick={() => void restart.run()} disabled={restart.busy}>
            Restart connector
          </button>
        )}
      </div>
      <p className="control-outcome" aria-live="polite">
        <Outcome command={newCode} />
        <Outcome command={restart} />
      </p>
      {show('logout') && !unpaired && <LogoutDevice onChanged={onChanged} />}
    </div>
  );
}

/** Logging the device out ends the link on the phone too: it asks before it sends. */
export function LogoutDevice({ onChanged }: { onChanged?: () => void }) {
  const [asking, setAsking] = useState(false);
  const logout = useCommand(
    logoutDevice,
    'This device was logged out. Link it again to archive new messages.',
    onChanged,
  );
  const questionId = useId();
  if (!asking) {
    return (
      <div className="control-row">
        <button type="button" className="ghost danger" onClick={() => setAsking(true)} disabled={logout.busy}>
          Log out this device…
        </button>
        <span aria-live="polite">
          <Outcome command={logout} />
        </span>
      </div>
    );
  }
  return (
    <div className="confirm" role="group" aria-labelledby={questionId}>
      <p id={questionId}>
        Log this device out of WhatsApp? New messages stop being archived until you link it again; the archive stays.
      </p>
      <div className="control-row">
        <button
          type="button"
          className="primary danger"
          onClick={() => void logout.run().then(() => setAsking(false))}
          disabled={logout.busy}
        >
          Log out
        </button>
        <button type="button" className="ghost" onClick={() => setAsking(false)} autoFocus>
          Cancel
        </button>
      </div>
    </div>
  );
}
