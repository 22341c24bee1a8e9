import { useEffect } from 'react';
import { Loading } from '@/components/state-message';
import { onUnauthorized } from '@/lib/api-client';
import { useAuthStore } from '@/stores/auth-store';
import { useNavigationStore } from '@/stores/navigation-store';
import { LoginScreen } from '@/features/auth/components/login-screen';
import { needsPairing, useSessionPolling } from '@/features/pairing/api/session-api';
import { PairingScreen } from '@/features/pairing/components/pairing-screen';
import { Shell } from '@/app/shell';

/** Signed in: follow the connector; show the QR screen while unpaired, else the archive. */
function SignedIn() {
  const { session, error } = useSessionPolling();
  const pairingDismissed = useNavigationStore((state) => state.pairingDismissed);
  const dismissPairing = useNavigationStore((state) => state.dismissPairing);
  if (!session && !error) return <Loading label="Connecting…" />;
  if (session && needsPairing(session) && !pairingDismissed) return <PairingScreen session={session} onBrowse={dismissPairing} />;
  return <Shell session={session} sessionError={error} />;
}

export function App() {
  const status = useAuthStore((state) => state.status);
  const setStatus = useAuthStore((state) => state.setStatus);
  useEffect(() => {
    onUnauthorized(() => setStatus('anonymous'));
    return () => onUnauthorized(null);
  }, [setStatus]);
  return status === 'anonymous' ? <LoginScreen /> : <SignedIn />;
}
