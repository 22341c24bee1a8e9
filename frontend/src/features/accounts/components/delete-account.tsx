import { useState } from 'react';
import { ErrorNotice, Loading } from '@/components/state-message';
import { errorMessage } from '@/lib/api-client';
import { useRemote } from '@/lib/use-remote';
import type { Account } from '@/stores/account-store';
import {
  deleteAccount,
  updateAccount,
  type AccountDeletion,
  type DeleteChoices,
} from '@/features/accounts/api/accounts-api';
import { forgetAccount, storeAccount } from '@/features/accounts/api/use-account-actions';

const total = (counts: Record<string, number> | null | undefined): number =>
  Object.values(counts ?? {}).reduce((sum, count) => sum + count, 0);

/** The dry run's counts: what a delete removes. */
function Counts({ report }: { report: AccountDeletion }) {
  const tables = Object.entries(report.archive).filter(([, count]) => count > 0);
  return (
    <ul className="deletion-counts" aria-label="What the deletion removes">
      <li>
        {total(report.archive).toLocaleString()} archive rows
        {tables.length > 0 && ` (${tables.map(([table, count]) => `${table} ${count.toLocaleString()}`).join(', ')})`}
      </li>
      <li>
        {report.session_store === null
          ? 'session store: not configured'
          : `${total(report.session_store).toLocaleString()} session store rows (its WhatsApp device)`}
      </li>
      {report.media_objects !== null && <li>{report.media_objects.toLocaleString()} media files</li>}
      {report.event_log_objects !== null && <li>{report.event_log_objects.toLocaleString()} event log objects</li>}
    </ul>
  );
}

/** Pause (the connector stops), then delete with `confirm`; 409 while its connector still runs. */
async function pauseAndDelete(account: Account, choices: DeleteChoices): Promise<void> {
  if (account.state !== 'paused') storeAccount(await updateAccount(account.id, { state: 'paused' }));
  await deleteAccount(account.id, choices, account.id);
  forgetAccount(account.id);
}

/** Deleting an account: the dry run's counts first, then the id typed as confirmation. */
export function DeleteAccount({ account, onCancel }: { account: Account; onCancel: () => void }) {
  const [choices, setChoices] = useState<DeleteChoices>({ media: false, eventLog: false });
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const dryRun = useRemote(`account-deletion:${account.id}:${choices.media}:${choices.eventLog}`, () =>
    deleteAccount(account.id, choices),
  );
  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await pauseAndDelete(account, choices);
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }
  return (
    <div className="confirm" role="group" aria-label={`Delete ${account.display_name}`}>
      <p>
        Deleting <strong>{account.display_name}</strong> removes everything archived under it and unlinks its WhatsApp
        device. Its connector is paused first.
      </p>
      <label>
        <input
          type="checkbox"
          checked={choices.media}
          onChange={(event) => setChoices({ ...choices, media: event.target.checked })}
        />{' '}
        Also its media files
      </label>
      <label>
        <input
          type="checkbox"
          checked={choices.eventLog}
          onChange={(event) => setChoices({ ...choices, eventLog: event.target.checked })}
        />{' '}
        Also its event log (the archive cannot be rebuilt afterwards)
      </label>
      {dryRun.error ? <ErrorNotice error={dryRun.error} onRetry={dryRun.reload} /> : null}
      {dryRun.data ? <Counts report={dryRun.data} /> : !dryRun.error && <Loading label="Counting…" />}
      <label>
        Type <span className="mono">{account.id}</span> to confirm
        <input className="mono" value={typed} onChange={(event) => setTyped(event.target.value)} autoComplete="off" />
      </label>
      {error ? (
        <p className="error-text small" role="alert">
          {errorMessage(error)}
        </p>
      ) : null}
      <div className="control-row">
        <button
          type="button"
          className="primary danger"
          disabled={typed !== account.id || busy || !dryRun.data}
          onClick={() => void confirm()}
        >
          {busy ? 'Deleting…' : `Delete ${account.display_name}`}
        </button>
        <button type="button" className="ghost" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </div>
  );
}
