import { useEffect, useId, useRef, useState } from 'react';
import type { ConnectorSession } from '@/lib/api-types';
import { useNavigationStore } from '@/stores/navigation-store';
import { LogoutButton } from '@/features/auth/components/logout-button';
import { describeState } from '@/features/pairing/api/session-api';
import { ConnectorControls } from '@/features/pairing/components/connector-controls';

interface AccountMenuProps {
  session: ConnectorSession | null;
  onChanged: () => void;
}

/** The top bar's menu: the connector's state, "Link WhatsApp", the connector controls, sign out. */
export function AccountMenu({ session, onChanged }: AccountMenuProps) {
  const [open, setOpen] = useState(false);
  const openPairing = useNavigationStore((state) => state.openPairing);
  const setView = useNavigationStore((state) => state.setView);
  const root = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  useEffect(() => {
    if (!open) return;
    const outside = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);
  return (
    <div
      className="account-menu"
      ref={root}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          setOpen(false);
          toggle.current?.focus();
        }
      }}
    >
      <button
        type="button"
        className="ghost menu-button"
        ref={toggle}
        aria-expanded={open}
        aria-controls={panelId}
        aria-label="Menu"
        onClick={() => setOpen((value) => !value)}
      >
        <span aria-hidden="true">☰</span>
      </button>
      <div className="menu-panel" id={panelId} hidden={!open} role="group" aria-label="Account and connector">
        {open && (
          <>
            <p className="muted small">{session ? describeState(session) : 'Connector state unknown.'}</p>
            <button
              type="button"
              className="ghost"
              onClick={() => {
                setOpen(false);
                toggle.current?.focus(); // where focus comes back when the dialog closes
                openPairing();
              }}
            >
              Link WhatsApp
            </button>
            <ConnectorControls session={session} onChanged={onChanged} />
            <button
              type="button"
              className="ghost"
              onClick={() => {
                setOpen(false);
                setView('transfer');
              }}
            >
              Import / Export
            </button>
            <button
              type="button"
              className="ghost"
              onClick={() => {
                setOpen(false);
                setView('accounts');
              }}
            >
              WhatsApp accounts
            </button>
            <hr />
            <LogoutButton />
          </>
        )}
      </div>
    </div>
  );
}
