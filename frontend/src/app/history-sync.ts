import { useEffect } from 'react';
import { useNavigationStore } from '@/stores/navigation-store';

// The browser's back button closes what was opened last: an open chat (on a phone, back from the
// chat to the list) or the pairing view. Each opening pushes a history entry holding what is open;
// going back restores the entry below. No URLs change (the app has no routes).

const KEY = 'deeplens';

interface Layers {
  chat: string | null;
  pairing: boolean;
}

interface Entry {
  layers: Layers;
  /** Pushed by this app: going back stays inside it. */
  pushed: boolean;
}

const NONE: Layers = { chat: null, pairing: false };

type NavigationState = ReturnType<typeof useNavigationStore.getState>;

const layersOf = (state: NavigationState): Layers => ({ chat: state.selectedChatJid, pairing: state.pairingOpen });
const same = (a: Layers, b: Layers) => a.chat === b.chat && a.pairing === b.pairing;

function currentEntry(): Entry | null {
  const state: unknown = window.history.state;
  if (typeof state !== 'object' || state === null || !(KEY in state)) return null;
  return (state as Record<string, Entry>)[KEY] ?? null;
}

function write(entry: Entry, push: boolean) {
  const state = { ...(window.history.state as object | null), [KEY]: entry };
  if (push) window.history.pushState(state, '');
  else window.history.replaceState(state, '');
}

function apply(layers: Layers) {
  const navigation = useNavigationStore.getState();
  if (layers.chat !== navigation.selectedChatJid) {
    if (layers.chat) navigation.openChat(layers.chat);
    else navigation.closeChat();
  }
  if (layers.pairing !== navigation.pairingOpen) {
    if (layers.pairing) navigation.openPairing();
    else navigation.closePairing();
  }
}

/** Another account (its URL names it): a new entry with nothing open, so back returns to the
 * account before, as it was. */
export function pushAccountEntry(url: string): void {
  window.history.pushState(
    { ...(window.history.state as object | null), [KEY]: { layers: NONE, pushed: false } },
    '',
    url,
  );
}

export function useHistorySync(): void {
  useEffect(() => {
    let restoring = false;
    const restore = (layers: Layers) => {
      restoring = true;
      try {
        apply(layers);
      } finally {
        restoring = false;
      }
    };
    // A reload keeps the chat that was open (not the pairing view).
    const reloaded = currentEntry();
    if (reloaded?.layers.chat) restore({ chat: reloaded.layers.chat, pairing: false });

    const unsubscribe = useNavigationStore.subscribe((next, previous) => {
      if (restoring) return;
      const before = layersOf(previous);
      const after = layersOf(next);
      if (same(before, after)) return;
      const entry = currentEntry();
      const opened = (after.chat !== null && before.chat === null) || (after.pairing && !before.pairing);
      const closed = (after.chat === null && before.chat !== null) || (!after.pairing && before.pairing);
      if (opened && !closed) {
        write({ layers: after, pushed: true }, true);
      } else if (closed && !opened && entry?.pushed && same(entry.layers, before)) {
        // Closed in the app (✕, ←): leave the entry the opening pushed, as the back button would.
        window.history.back();
      } else {
        write({ layers: after, pushed: entry?.pushed ?? false }, false);
      }
    });
    const onPopState = () => restore(currentEntry()?.layers ?? NONE);
    window.addEventListener('popstate', onPopState);
    return () => {
      unsubscribe();
      window.removeEventListener('popstate', onPopState);
    };
  }, []);
}
