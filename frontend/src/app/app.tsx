import { Suspense, useEffect } from 'react';
import { Loading } from '@/components/state-message';
import { ApiError, api, onUnauthorized } from '@/lib/api-client';
import { warmIntlOffThread } from '@/lib/warm-intl';
import { useAuthStore } from '@/stores/auth-store';
import { LoginScreen } from '@/features/auth/components/login-screen';
import { preloads, SignedIn } from '@/app/chunks';

/** Later, when the page is idle: work the first signed-in screen would otherwise do in one task. */
function whenIdle(work: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(work, { timeout: 2000 });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(work, 200);
  return () => clearTimeout(id);
}

/** On the login screen, when the page is idle: load the locale data in a worker, then fetch and
 * evaluate the signed-in chunks one idle task each, so that the first render after sign-in pays for
 * none of them. Returns a function that stops what has not started yet. */
export function preloadWhileIdle(): () => void {
  let cancelled = false;
  let cancel = () => {};
  const next = (step: number) => {
    const load = preloads[step];
    if (cancelled || !load) return;
    cancel = whenIdle(
      () =>
        void load().then(
          () => next(step + 1),
          () => {},
        ),
    );
  };
  cancel = whenIdle(() => void warmIntlOffThread().then(() => next(0)));
  return () => {
    cancelled = true;
    cancel();
  };
}

export function App() {
  const status = useAuthStore((state) => state.status);
  const setStatus = useAuthStore((state) => state.setStatus);
  useEffect(() => {
    onUnauthorized(() => setStatus('anonymous'));
    return () => onUnauthorized(null);
  }, [setStatus]);
  // Whether the session cookie still works (a 401 makes the status anonymous through onUnauthorized).
  useEffect(() => {
    if (status !== 'unknown') return;
    const controller = new AbortController();
    api.get('/api/session', { signal: controller.signal }).then(
      () => setStatus('authenticated'),
      (error: unknown) => {
        if (!controller.signal.aborted && !(error instanceof ApiError && error.status === 401))
          setStatus('authenticated');
      },
    );
    return () => controller.abort();
  }, [status, setStatus]);
  useEffect(() => (status === 'anonymous' ? preloadWhileIdle() : undefined), [status]);
  if (status === 'unknown') return <Loading label="Connecting…" />;
  if (status === 'anonymous') return <LoginScreen />;
  return (
    <Suspense fallback={<Loading label="Connecting…" />}>
      <SignedIn />
    </Suspense>
  );
}
