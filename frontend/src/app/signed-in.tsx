import { Suspense, useEffect, useState } from 'react';
import { useAccountStore } from '@/stores/account-store';
import { useNavigationStore } from '@/stores/navigation-store';
import { Loading } from '@/components/state-message';
import { useAccountsPolling } from '@/features/accounts/api/use-accounts';
import { pairingIsLanding, useSessionPolling } from '@/features/pairing/api/session-api';
import { accountInUrl, useAccountUrlSync } from '@/app/account-sync';
import { Shell } from '@/app/shell';
import { PairingScreen } from '@/app/chunks';

/** Signed in: the accounts first (which one to show: the URL's, else the oldest), then that account's
 * view, mounted afresh for each account so that nothing of another account's stays on screen. Its
 * own chunk (loaded lazily by app.tsx). */
export default function SignedIn() {
  useAccountUrlSync();
  const [wanted] = useState(accountInUrl); // the URL's at the start; later the store's choice
  const ready = useAccountsPolling(wanted);
  const account = useAccountStore((state) => state.current);
  if (!ready) return <Loading label="Connecting…" />;
  return <AccountView key={account ?? ''} />;
}

/** One account: the pairing screen is the landing page only while nothing is archived, no
 * account is linked and there is no other account; otherwise the archive, with the connector's state in a banner (never replaced
 * by the pairing screen once shown). */
function AccountView() {
  const { session, error, refresh } = useSessionPolling();
  const pairingDismissed = useNavigationStore((state) => state.pairingDismissed);
  const dismissPairing = useNavigationStore((state) => state.dismissPairing);
  // With several accounts the archive's shell (and its account switcher) stays: an unlinked one
  // shows the banner's "Link WhatsApp" instead of taking the whole page.
  const several = useAccountStore((state) => (state.accounts?.length ?? 0) > 1);
  const landing = session !== null && pairingIsLanding(session) && !pairingDismissed && !several;
  const shown = session !== null && !landing;
  // Once the archive was on screen, connector changes show in its banner only.
  useEffect(() => {
    if (shown && !pairingDismissed) dismissPairing();
  }, [shown, pairingDismissed, dismissPairing]);
  if (!session && !error) return <Loading label="Connecting…" />;
  if (session && landing) {
    return (
      <Suspense fallback={<Loading label="Connecting…" />}>
        <PairingScreen session={session} onChanged={refresh} onBrowse={dismissPairing} />
      </Suspense>
    );
  }
  return <Shell session={session} sessionError={error} refreshSession={refresh} />;
}
