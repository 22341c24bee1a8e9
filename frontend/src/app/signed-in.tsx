import { useNavigationStore } from '@/stores/navigation-store';
import { Loading } from '@/components/state-message';
import { needsPairing, useSessionPolling } from '@/features/pairing/api/session-api';
import { Suspense } from 'react';
import { Shell } from '@/app/shell';
import { PairingScreen } from '@/app/chunks';

/** Signed in: follow the connector; show the QR screen while unpaired, else the archive.
 * Its own chunk (loaded lazily by app.tsx): the login screen does not evaluate it. */
export default function SignedIn() {
  const { session, error } = useSessionPolling();
  const pairingDismissed = useNavigationStore((state) => state.pairingDismissed);
  const dismissPairing = useNavigationStore((state) => state.dismissPairing);
  if (!session && !error) return <Loading label="Connecting…" />;
  if (session && needsPairing(session) && !pairingDismissed) {
    return (
      <Suspense fallback={<Loading label="Connecting…" />}>
        <PairingScreen session={session} onBrowse={dismissPairing} />
      </Suspense>
    );
  }
  return <Shell session={session} sessionError={error} />;
}
