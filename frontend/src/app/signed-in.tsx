import { Suspense, useEffect } from 'react';
import { useNavigationStore } from '@/stores/navigation-store';
import { Loading } from '@/components/state-message';
import { pairingIsLanding, useSessionPolling } from '@/features/pairing/api/session-api';
import { Shell } from '@/app/shell';
import { PairingScreen } from '@/app/chunks';

/** Signed in: the pairing screen is the landing page only while nothing is archived and no account
 * is linked; otherwise the archive, with the connector's state in a banner (never replaced by the
 * pairing screen once shown). Its own chunk (loaded lazily by app.tsx). */
export default function SignedIn() {
  const { session, error, refresh } = useSessionPolling();
  const pairingDismissed = useNavigationStore((state) => state.pairingDismissed);
  const dismissPairing = useNavigationStore((state) => state.dismissPairing);
  const landing = session !== null && pairingIsLanding(session) && !pairingDismissed;
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
