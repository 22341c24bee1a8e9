import { useCallback, useEffect, useRef, useState } from 'react';
import type { Message, MessagePage } from '@/lib/api-types';
import { listMessages } from '@/features/messages/api/messages-api';
import type { Changes } from '@/lib/live/changes-api';
import { mergeMessages } from '@/lib/live/merge';
import { useLiveChanges } from '@/lib/live/use-live-changes';

interface WindowState {
  key: string;
  items: Message[];
  olderCursor: string | null;
  newerCursor: string | null;
  hasOlder: boolean;
  hasNewer: boolean;
  busy: 'older' | 'newer' | null;
  error: unknown;
}

export interface MessageWindow {
  items: Message[];
  ready: boolean;
  hasOlder: boolean;
  hasNewer: boolean;
  busy: 'older' | 'newer' | null;
  error: unknown;
  loadOlder: () => void;
  loadNewer: () => void;
  retry: () => void;
}

const fromPage = (key: string, page: MessagePage): WindowState => ({
  key,
  items: page.items,
  olderCursor: page.older_cursor,
  newerCursor: page.newer_cursor,
  hasOlder: page.has_older,
  hasNewer: page.has_newer,
  busy: null,
  error: null,
});

/** A window of one chat's messages (oldest first): the newest page or one around `anchorId`,
 * grown page by page in either direction. */
export function useMessageWindow(jid: string, anchorId: string | null, anchorNonce: number): MessageWindow {
  const [attempt, setAttempt] = useState(0);
  const key = `${jid}|${anchorId ?? ''}|${anchorNonce}|${attempt}`;
  const [state, setState] = useState<WindowState | null>(null);
  const [failure, setFailure] = useState<{ key: string; error: unknown } | null>(null);
  const current = state?.key === key ? state : null;
  const latest = useRef(current);
  const inFlight = useRef(false);
  useEffect(() => {
    latest.current = current;
  });

  useEffect(() => {
    const controller = new AbortController();
    listMessages(jid, { around: anchorId }, controller.signal).then(
      (page) => setState(fromPage(key, page)),
      (error: unknown) => {
        if (!controller.signal.aborted) setFailure({ key, error });
      },
    );
    return () => controller.abort();
  }, [jid, anchorId, key]);

  const extend = useCallback(
    (direction: 'older' | 'newer') => {
      const window = latest.current;
      if (!window || window.busy || inFlight.current) return;
      const cursor = direction === 'older' ? window.olderCursor : window.newerCursor;
      const more = direction === 'older' ? window.hasOlder : window.hasNewer;
      if (!more || !cursor) return;
      const apply = (update: (base: WindowState) => WindowState) =>
        setState((previous) => (previous?.key === window.key ? update(previous) : previous));
      inFlight.current = true;
      apply((base) => ({ ...base, busy: direction, error: null }));
      const position = direction === 'older' ? { before: cursor } : { after: cursor };
      listMessages(jid, position)
        .finally(() => {
          inFlight.current = false;
        })
        .then(
          (page) =>
            apply((base) => {
              const known = new Set(base.items.map((message) => message.id));
              const fresh = page.items.filter((message) => !known.has(message.id));
              return direction === 'older'
                ? {
                    ...base,
                    busy: null,
                    items: [...fresh, ...base.items],
                    olderCursor: page.older_cursor,
                    hasOlder: page.has_older,
                  }
                : {
                    ...base,
                    busy: null,
                    items: [...base.items, ...fresh],
                    newerCursor: page.newer_cursor,
                    hasNewer: page.has_newer,
                  };
            }),
          (error: unknown) => apply((base) => ({ ...base, busy: null, error })),
        );
    },
    [jid],
  );

  const loadOlder = useCallback(() => extend('older'), [extend]);
  const loadNewer = useCallback(() => extend('newer'), [extend]);
  const retry = useCallback(() => setAttempt((value) => value + 1), []);
  // Live updates of this chat: changed messages replaced, new ones placed (the list keeps the scroll
  // position); too many to list: the newest page is merged the same way; a reset reloads the window.
  useLiveChanges((changes: Changes) => {
    const window = latest.current;
    if (changes.reset) return retry();
    const changed = changes.chats.find((chat) => chat.jid === jid);
    if (!window || !changed) return;
    const merge = (incoming: Message[]) =>
      setState((previous) => {
        if (previous?.key !== window.key) return previous;
        const items = mergeMessages(previous, incoming);
        return items === previous.items ? previous : { ...previous, items };
      });
    if (changed.message_ids !== null) merge(changes.messages.filter((message) => message.chat_jid === jid));
    else
      listMessages(jid, {}).then(
        (page) => merge(page.items),
        () => undefined,
      );
  });

  return {
    items: current?.items ?? [],
    ready: current !== null,
    hasOlder: current?.hasOlder ?? false,
    hasNewer: current?.hasNewer ?? false,
    busy: current?.busy ?? null,
    error: current?.error ?? (failure?.key === key ? failure.error : null),
    loadOlder,
    loadNewer,
    retry,
  };
}
