import { useState, type FormEvent } from 'react';
import { errorMessage } from '@/lib/api-client';
import { useAccountStore, type Account } from '@/stores/account-store';
import { updateAccount, type AccountUpdate } from '@/features/accounts/api/accounts-api';
import { storeAccount } from '@/features/accounts/api/use-account-actions';
import { DeleteAccount } from '@/features/accounts/components/delete-account';
import { StateDot, stateLabel } from '@/features/accounts/components/state-dot';

type Default = 'default' | 'on' | 'off';
const asDefault = (value: boolean | null): Default => (value === null ? 'default' : value ? 'on' : 'off');
const fromDefault = (value: Default): boolean | null => (value === 'default' ? null : value === 'on');

function DefaultSelect({
  label,
  value,
  onChange,
}: {
  label: string;
  value: boolean | null;
  onChange: (value: boolean | null) => void;
}) {
  return (
    <label>
      {label}
      <select value={asDefault(value)} onChange={(event) => onChange(fromDefault(event.target.value as Default))}>
        <option value="default">installation default</option>
        <option value="on">tracked</option>
        <option value="off">not tracked</option>
      </select>
    </label>
  );
}

/** One account: its name (rename), state, tracking defaults for new chats, pause/resume, delete. */
export function AccountCard({ account, only }: { account: Account; only: boolean }) {
  const current = useAccountStore((state) => state.current);
  const choose = useAccountStore((state) => state.choose);
  const [name, setName] = useState(account.display_name);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const change = (body: AccountUpdate) => {
    setError(null);
    updateAccount(account.id, body).then(storeAccount, setError);
  };
  const rename = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() && name.trim() !== account.display_name) change({ display_name: name.trim() });
  };
  const paused = account.state === 'paused';
  return (
    <section className="account-card" aria-label={`Account ${account.display_name}`}>
      <header>
        <StateDot account={account} />
        <span className="account-title">{account.display_name}</span>
        <span className="mono muted small">{account.id}</span>
        <span className="muted small">
          {account.phone ? `+${account.phone}` : 'not paired'} · {stateLabel(account)}
        </span>
        {account.id === current ? (
          <span className="tag">shown</span>
        ) : (
          <button type="button" className="link-button" onClick={() => choose(account.id)}>
            Show this account
          </button>
        )}
      </header>
      <form className="account-form" onSubmit={rename}>
        <label>
          Name
          <input value={name} maxLength={80} onChange={(event) => setName(event.target.value)} />
        </label>
        <button type="submit" className="ghost" disabled={!name.trim() || name.trim() === account.display_name}>
          Rename
        </button>
      </form>
      <div className="account-form" role="group" aria-label="Tracking defaults for new chats">
        <DefaultSelect
          label="New groups"
          value={account.track_groups}
          onChange={(value) => change({ track_groups: value })}
        />
        <DefaultSelect
          label="New direct chats"
          value={account.track_private}
          onChange={(value) => change({ track_private: value })}
        />
      </div>
      {error ? (
        <p className="error-text small" role="alert">
          {errorMessage(error)}
        </p>
      ) : null}
      {deleting ? (
        <DeleteAccount account={account} onCancel={() => setDeleting(false)} />
      ) : (
        <div className="control-row">
          <button type="button" className="ghost" onClick={() => change({ state: paused ? 'active' : 'paused' })}>
            {paused ? 'Resume its connector' : 'Pause its connector'}
          </button>
          <button
            type="button"
            className="ghost danger"
            onClick={() => setDeleting(true)}
            disabled={only}
            title={only ? 'The installation keeps at least one account' : undefined}
          >
            Delete…
          </button>
        </div>
      )}
    </section>
  );
}
