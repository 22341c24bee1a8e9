import { startTransition, useEffect, useState } from 'react';
import { apiRequest } from '@/lib/api-client';
import type { ConnectorSession } from '@/lib/api-types';

export const POLL_INTERVAL_MS = 2000;

export const getSession = (signal?: AbortSignal): Promise<ConnectorSession> =>
  apiRequest<ConnectorSession>('/api/session', { signal });

export interface SessionPoll {
  session: ConnectorSession | null;
  error: unknown;
}

/** GET /api/session every 2 s (the QR rotates, the state and history progress move). */
export function useSessionPolling(enabled = true): SessionPoll {
  const [poll, setPoll] = useState<SessionPoll>({ session: null, error: null });
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const session = await getSession(controller.signal);
        // A transition: the first screen after sign-in renders in slices, not in one long task.
        startTransition(() => setPoll({ session, error: null }));
      } catch (error) {
        if (controller.signal.aborted) return;
        setPoll((previous) => ({ session: previous.session, error }));
      }
      if (!controller.signal.aborted) timer = setTimeout(tick, POLL_INTERVAL_MS);
    };
    void tick();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [enabled]);
  return poll;
}

const PAIRED_STATES = new Set(['paired', 'connected', 'connecting', 'reconnecting']);

/** The QR screen is due while there is a code to scan or no account is paired. */
export function needsPairing(session: ConnectorSession): boolean {
  if (session.qr_code) return true;
  if (session.state === 'waiting_for_qr' || session.state === 'logged_out') return true;
  return session.account_jid === null && !PAIRED_STATES.has(session.state);
}

export const PROBLEM_STATES = new Set(['offline', 'replaced', 'outdated', 'failed', 'logged_out']);

export function describeState(session: ConnectorSession): string {
  switch (session.state) {
    case 'unknown':
      return 'The connector has not reported yet.';
    case 'starting':
      return 'The connector is starting…';
    case 'waiting_for_qr':
      return 'Scan the code with WhatsApp: Settings → Linked devices → Link a device.';
    case 'paired':
      return 'Paired. Connecting…';
    case 'connecting':
    case 'reconnecting':
      return 'Connecting to WhatsApp…';
    case 'connected':
      return 'Connected.';
    case 'offline':
      return 'The connector is offline.';
    case 'logged_out':
      return 'This device was logged out of WhatsApp. Scan the new code to pair again.';
    case 'replaced':
      return 'Another connector took over this session.';
    case 'outdated':
      return 'WhatsApp refused this client version: update the connector.';
    case 'failed':
      return 'The connector failed.';
    default:
      return `Connector state: ${session.state}`;
  }
}
