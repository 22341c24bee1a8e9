import { useState, type FormEvent } from 'react';
import { errorMessage } from '@/lib/api-client';
import { useAccountStore } from '@/stores/account-store';
import { useNavigationStore } from '@/stores/navigation-store';
import { ACCOUNT_ID, createAccount, idFromName } from '@/features/accounts/api/accounts-api';
import { storeAccount } from '@/features/accounts/api/use-account-actions';

/** "Add account": a name (and the id derived from it, editable), then the new account is shown
 * with its pairing view open (QR code or phone number), its connector started by `make run`. */
export function AddAccountForm() {
  const [name, setName] = useState('');
  const [typedId, setTypedId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = typedId ?? idFromName(name);
  const valid = name.trim() !== '' && ACCOUNT_ID.test(id);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!valid || busy) return;
    setBusy(true);
    setError(null);
    try {
      const created = await createAccount({ id, display_name: name.trim() });
      storeAccount(created);
      useAccountStore.getState().choose(created.id);
      const navigation = useNavigationStore.getState();
      navigation.setView('chats');
      navigation.openPairing();
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }

  return (
    <form className="account-card account-form" onSubmit={(event) => void onSubmit(event)} aria-label="Add account">
      <h3 className="full-row">Add an account</h3>
      <label>
        Name
        <input
          value={name}
          maxLength={80}
          onChange={(event) => setName(event.target.value)}
          placeholder="Support phone"
        />
      </label>
      <label>
        Id
        <input
          className="mono"
          value={id}
          maxLength={128}
          onChange={(event) => setTypedId(event.target.value)}
          aria-invalid={id !== '' && !ACCOUNT_ID.test(id)}
          aria-describedby="account-id-help"
        />
      </label>
      <button type="submit" className="primary" disabled={!valid || busy}>
        {busy ? 'Adding…' : 'Add and link WhatsApp'}
      </button>
      <p id="account-id-help" className="muted small full-row">
        The id names the account in the archive and in URLs: letters, digits, “_”, “.”, “-”. It cannot change later.
      </p>
      {error ? (
        <p className="error-text small full-row" role="alert">
          {errorMessage(error)}
        </p>
      ) : null}
    </form>
  );
}
