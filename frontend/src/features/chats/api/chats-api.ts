import { startTransition, useCallback, useEffect, useState } from 'react';
import { api } from '@/lib/api-client';
import type { Chat, ChatDetail, ChatPage } from '@/lib/api-types';
import { mergeChats } from '@/lib/live/merge';
import { useLiveChanges } from '@/lib/live/use-live-changes';

export const CHAT_PAGE_SIZE = 200;

export const listChats = (params: { cursor?: string | null; q?: string }, signal?: AbortSignal): Promise<ChatPage> =>
  api.get('/api/chats', { query: { cursor: params.cursor, q: params.q, limit: CHAT_PAGE_SIZE }, signal });

export const getChat = (jid: string, signal?: AbortSignal): Promise<ChatDetail> =>
  api.get('/api/chats/{jid}', { path: { jid }, signal });

interface ChatListState {
  query: string;
  items: Chat[];
  cursor: string | null;
  done: boolean;
  /** A page is wanted (first page, or the list scrolled near its end). */
  wanted: boolean;
  error: unknown;
  nonce: number;
}

export interface ChatList {
  items: Chat[];
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

const fresh = (query: string, nonce = 0): ChatListState => ({
  query, items: [], cursor: null, done: false, wanted: true, error: null, nonce,
});

/** Keyset pages of chats for a name filter, appended as the list scrolls. */
export function useChatList(query: string): ChatList {
  const [stored, setState] = useState<ChatListState>(() => fresh(query));
  const state = stored.query === query ? stored : fresh(query, stored.nonce);
  const loading = state.wanted && !state.done && !state.error;

  useEffect(() => {
    if (!loading) return;
    const controller = new AbortController();
    const settle = (update: (base: ChatListState) => ChatListState) =>
      setState((previous) => update(previous.query === query ? previous : fresh(query, previous.nonce)));
    const first = state.cursor === null;
    listChats({ cursor: state.cursor, q: query || undefined }, controller.signal).then(
      (page) => {
        const append = () =>
          settle((base) => ({
            ...base,
            items: [...base.items, ...page.items.filter((chat) => !base.items.some((known) => known.jid === chat.jid))],
            cursor: page.next_cursor,
            done: page.next_cursor === null,
            wanted: false,
          }));
        // The first page renders as a transition (in slices); later ones at once, while scrolling.
        if (first) startTransition(append);
        else append();
      },
      (error: unknown) => {
        if (!controller.signal.aborted) settle((base) => ({ ...base, error, wanted: false }));
      },
    );
    return () => controller.abort();
  }, [loading, query, state.cursor, state.nonce]);

  const loadMore = useCallback(
    () => setState((previous) => (previous.query === query && !previous.wanted ? { ...previous, wanted: true } : previous)),
    [query],
  );
  const reload = useCallback(() => setState((previous) => fresh(query, previous.nonce + 1)), [query]);
  // Live updates: changed chats replace their entries, new ones are placed, a reset reloads.
  useLiveChanges((changes) => {
    if (changes.reset) return reload();
    setState((previous) =>
      previous.query !== query || previous.items.length === 0
        ? previous
        : { ...previous, items: mergeChats({ items: previous.items, complete: previous.done, query }, changes.chats) },
    );
  });
  return { items: state.items, loading, error: state.error, hasMore: !state.done, loadMore, reload };
}
