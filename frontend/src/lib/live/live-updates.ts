import { fetchChanges, type Changes } from '@/lib/live/changes-api';
import { useAccountStore } from '@/stores/account-store';
import { useNavigationStore } from '@/stores/navigation-store';

/** Poll intervals: every second while the page is visible, rarely while hidden, slower after errors. */
export const VISIBLE_MS = 1000;
export const HIDDEN_MS = 30_000;
export const ERROR_MS = 5000;

export type ChangesListener = (changes: Changes) => void;

const listeners = new Set<ChangesListener>();
let revision: number | null = null;
/** The account `revision` counts in: another account's revisions are another sequence. */
let revisionAccount: string | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
let inFlight: AbortController | null = null;

const hidden = (): boolean => typeof document !== 'undefined' && document.visibilityState === 'hidden';

function schedule(delay: number): void {
  if (timer !== null) clearTimeout(timer);
  timer = listeners.size > 0 ? setTimeout(() => void poll(), delay) : null;
}

/** One poll: the first answer only sets the revision; later ones go to every listener when they
 * name a change (or a reset). The open chat's changed messages come with the answer. */
async function poll(): Promise<void> {
  timer = null;
  if (inFlight || listeners.size === 0) return;
  const controller = new AbortController();
  inFlight = controller;
  let next = hidden() ? HIDDEN_MS : VISIBLE_MS;
  const account = useAccountStore.getState().current;
  if (account !== revisionAccount) [revision, revisionAccount] = [null, account];
  try {
    const changes = await fetchChanges(revision, useNavigationStore.getState().selectedChatJid, controller.signal);
    const switched = account !== useAccountStore.getState().current; // meanwhile: not this account's answer
    const known = revision !== null && !switched;
    if (switched) next = 0;
    else revision = changes.revision;
    if (known && (changes.reset || changes.chats.length > 0)) {
      for (const listener of [...listeners]) listener(changes);
    }
  } catch {
    if (controller.signal.aborted) return;
    next = ERROR_MS;
  } finally {
    if (inFlight === controller) inFlight = null;
  }
  schedule(next);
}

function onVisibility(): void {
  if (!hidden() && !inFlight) schedule(0);
}

/** Listens to the archive's changes; the poller runs while anyone listens. Returns the unsubscribe. */
export function subscribeChanges(listener: ChangesListener): () => void {
  listeners.add(listener);
  if (listeners.size === 1) {
    document.addEventListener('visibilitychange', onVisibility);
    schedule(0);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size > 0) return;
    document.removeEventListener('visibilitychange', onVisibility);
    if (timer !== null) clearTimeout(timer);
    timer = null;
    inFlight?.abort();
    inFlight = null;
    revision = null;
  };
}
