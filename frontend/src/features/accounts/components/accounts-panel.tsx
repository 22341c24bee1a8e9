import { Loading } from '@/components/state-message';
import { useAccountStore } from '@/stores/account-store';
import { AccountCard } from '@/features/accounts/components/account-card';
import { AddAccountForm } from '@/features/accounts/components/add-account-form';
import '@/features/accounts/components/accounts.css';

/** The accounts view: add one (then pair it), and each one's name, tracking defaults, pause, delete. */
export function AccountsPanel() {
  const accounts = useAccountStore((state) => state.accounts);
  return (
    <section className="accounts-panel" aria-label="Accounts">
      <h2>WhatsApp accounts</h2>
      <AddAccountForm />
      {accounts === null ? (
        <Loading label="Loading accounts…" />
      ) : (
        accounts.map((account) => <AccountCard key={account.id} account={account} only={accounts.length === 1} />)
      )}
    </section>
  );
}
