import { useCallback, useEffect, useId, useRef, useState, type RefObject } from 'react';
import { useAccountStore } from '@/stores/account-store';
import { useNavigationStore } from '@/stores/navigation-store';
import { StateDot, stateLabel } from '@/features/accounts/components/state-dot';
import '@/features/accounts/components/accounts.css';

/** Closes the panel on a pointer outside `root`. */
function useOutsideClose(open: boolean, root: RefObject<HTMLDivElement | null>, close: () => void) {
  useEffect(() => {
    if (!open) return;
    const outside = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) close();
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open, root, close]);
}

/** The top bar's account switcher, while there are several accounts: the account shown (with its
 * state dot), the others to switch to, and the accounts view (add, manage). */
export function AccountSwitcher() {
  const accounts = useAccountStore((state) => state.accounts);
  const current = useAccountStore((state) => state.current);
  const choose = useAccountStore((state) => state.choose);
  const setView = useNavigationStore((state) => state.setView);
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const close = useCallback(() => setOpen(false), []);
  useOutsideClose(open, root, close);
  const shown = accounts?.find((account) => account.id === current) ?? accounts?.[0];
  if (!accounts || !shown || accounts.length < 2) return null; // one account: ☰ → Accounts
  const go = (action: () => void) => {
    setOpen(false);
    toggle.current?.focus();
    action();
  };
  return (
    <div
      className="account-switcher"
      ref={root}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) go(() => {});
      }}
    >
      <button
        type="button"
        className="ghost"
        ref={toggle}
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={`Account: ${shown.display_name} (${stateLabel(shown)})`}
        onClick={() => setOpen((value) => !value)}
      >
        <StateDot account={shown} />
        <span className="account-name">{shown.display_name}</span>
        <span aria-hidden="true">▾</span>
      </button>
      <div className="menu-panel" id={panelId} hidden={!open} role="group" aria-label="Accounts">
        {open && (
          <>
            <ul className="account-list" aria-label="Switch account">
              {accounts.map((account) => (
                <li key={account.id}>
                  <button
                    type="button"
                    aria-current={account.id === shown.id}
                    onClick={() => go(() => choose(account.id))}
                  >
                    <StateDot account={account} />
                    <span className="account-name">{account.display_name}</span>
                    <span className="muted small">{stateLabel(account)}</span>
                  </button>
                </li>
              ))}
            </ul>
            <hr />
            <button type="button" className="ghost" onClick={() => go(() => setView('accounts'))}>
              Add or manage accounts
            </button>
          </>
        )}
      </div>
    </div>
  );
}
