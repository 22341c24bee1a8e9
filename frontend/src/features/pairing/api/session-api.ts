import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import { api } from '@/lib/api-client';
import type { ConnectorSession } from '@/lib/api-types';

export const POLL_INTERVAL_MS = 2000;

export const getSession = (signal?: AbortSignal): Promise<ConnectorSession> => api.get('/api/session', { signal });

export interface SessionPoll {
  session: ConnectorSession | null;
  error: unknown;
}

export interface SessionPolling extends SessionPoll {
  /** Asks now instead of at the next tick (after a command, or "Retry"). */
  refresh: () => void;
}

/** GET /api/session every 2 s (the QR rotates, the state and history progress move). */
export function useSessionPolling(enabled = true): SessionPolling {
  const [poll, setPoll] = useState<SessionPoll>({ session: null, error: null });
  const tickNow = useRef<() => void>(() => {});
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    const tick = async () => {
      clearTimeout(timer);
      if (inFlight) return;
      inFlight = true;
      try {
        const session = await getSession(controller.signal);
        // A transition: the first screen after sign-in renders in slices, not in one long task.
        startTransition(() => setPoll({ session, error: null }));
      } catch (error) {
        if (controller.signal.aborted) return;
        setPoll((previous) => ({ session: previous.session, error }));
      } finally {
        inFlight = false;
      }
      if (!controller.signal.aborted) timer = setTimeout(tick, POLL_INTERVAL_MS);
    };
    tickNow.current = () => void tick();
    void tick();
    return () => {
      tickNow.current = () => {};
      controller.abort();
      clearTimeout(timer);
    };
  }, [enabled]);
  const refresh = useCallback(() => tickNow.current(), []);
  return { ...poll, refresh };
}

const PAIRED_STATES = new Set(['paired', 'connected', 'connecting', 'reconnecting']);

/** No linked account right now: a code to scan or type, or no account paired. */
export function needsPairing(session: ConnectorSession): boolean {
  if (session.qr_code || session.pair_code) return true;
  if (session.state === 'waiting_for_qr' || session.state === 'logged_out') return true;
  return session.account_jid === null && !PAIRED_STATES.has(session.state);
}

/** The pairing screen is the landing page only while nothing is archived (an older API without
 * `has_archive` counts as an archive: never pull the reader out of it). */
export function pairingIsLanding(session: ConnectorSession): boolean {
  return session.has_archive === false && needsPairing(session);
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

export type BannerAction = 'link' | 'restart';

export interface BannerNotice {
  tone: 'info' | 'warning' | 'error';
  text: string;
  actions: BannerAction[];
}

/** What the archive's banner says about the connector, or null while all is well. */
export function bannerNotice(session: ConnectorSession): BannerNotice | null {
  const reason = session.detail ? ` (${session.detail})` : '';
  if (session.state === 'logged_out') {
    return {
      tone: 'error',
      text: `WhatsApp logged this device out${reason}: new messages are not archived.`,
      actions: ['link'],
    };
  }
  switch (session.state) {
    case 'offline':
      return {
        tone: 'warning',
        text: `The connector is offline${reason}: new messages wait on the phone.`,
        actions: ['restart'],
      };
    case 'failed':
      return { tone: 'error', text: `The connector failed${reason}.`, actions: ['restart'] };
    case 'replaced':
      return { tone: 'error', text: `Another connector took over this session${reason}.`, actions: ['restart'] };
    case 'outdated':
      return {
        tone: 'error',
        text: `WhatsApp refused this client version${reason}: update the connector.`,
        actions: [],
      };
    case 'starting':
      return { tone: 'info', text: 'The connector is restarting…', actions: [] };
    case 'connecting':
    case 'reconnecting':
      return { tone: 'info', text: 'Reconnecting to WhatsApp…', actions: [] };
    default:
      if (needsPairing(session)) {
        return { tone: 'warning', text: 'WhatsApp is not linked: new messages are not archived.', actions: ['link'] };
      }
      return null;
  }
}
