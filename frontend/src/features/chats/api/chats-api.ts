import { startTransition, useCallback, useEffect, useState } from 'react';
import { api } from '@/lib/api-client';
import type { Chat, ChatDetail, ChatPage } from '@/lib/api-types';
import { mergeChats } from '@/lib/live/merge';
import { useLiveChanges } from '@/lib/live/use-live-changes';

export const CHAT_PAGE_SIZE = 200;

/** Which chats a list shows: WhatsApp's main list (not archived; its pinned chats first), the
 * Archived folder, or (a name filter typed) every chat. */
export type ChatFolder = 'chats' | 'archived';
interface FolderQuery {
  archived?: boolean;
  pinned?: boolean;
}

export const listChats = (
  params: { cursor?: string | null; q?: string; limit?: number } & FolderQuery,
  signal?: AbortSignal,
): Promise<ChatPage> =>
  api.get('/api/chats', {
    query: {
      cursor: params.cursor,
      q: params.q,
      limit: params.limit ?? CHAT_PAGE_SIZE,
      archived: params.archived,
      pinned: params.pinned,
    },
    signal,
  });

/** The paged part of a folder: the main list pages its unpinned chats (the pinned ones come first,
 * all at once: usePinnedChats); a name filter searches every chat. */
export function folderQuery(folder: ChatFolder, query: string): FolderQuery {
  if (query) return {};
  return folder === 'archived' ? { archived: true } : { archived: false, pinned: false };
}

const belongsTo =
  (wanted: FolderQuery) =>
  (chat: Chat): boolean =>
    (wanted.archived === undefined || !!chat.is_archived === wanted.archived) &&
    (wanted.pinned === undefined || chat.is_pinned === wanted.pinned);

export const getChat = (jid: string, signal?: AbortSignal): Promise<ChatDetail> =>
  api.get('/api/chats/{jid}', { path: { jid }, signal });

interface ChatListState {
  query: string;
  folder: ChatFolder;
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

const fresh = (query: string, folder: ChatFolder, nonce = 0): ChatListState => ({
  query,
  folder,
  items: [],
  cursor: null,
  done: false,
  wanted: true,
  error: null,
  nonce,
});

/** Keyset pages of chats for a name filter and folder, appended as the list scrolls. */
export function useChatList(query: string, folder: ChatFolder = 'chats'): ChatList {
  const [stored, setState] = useState<ChatListState>(() => fresh(query, folder));
  const same = (base: ChatListState) => base.query === query && base.folder === folder;
  const state = same(stored) ? stored : fresh(query, folder, stored.nonce);
  const loading = state.wanted && !state.done && !state.error;

  useEffect(() => {
    if (!loading) return;
    const controller = new AbortController();
    const settle = (update: (base: ChatListState) => ChatListState) =>
      setState((previous) =>
        update(
          previous.query === query && previous.folder === folder ? previous : fresh(query, folder, previous.nonce),
        ),
      );
    const first = state.cursor === null;
    listChats({ cursor: state.cursor, q: query || undefined, ...folderQuery(folder, query) }, controller.signal).then(
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
  }, [loading, query, folder, state.cursor, state.nonce]);

  const loadMore = useCallback(
    () =>
      setState((previous) =>
        previous.query === query && previous.folder === folder && !previous.wanted
          ? { ...previous, wanted: true }
          : previous,
      ),
    [query, folder],
  );
  const reload = useCallback(() => setState((previous) => fresh(query, folder, previous.nonce + 1)), [query, folder]);
  // Live updates: changed chats replace their entries, new ones are placed, a reset reloads.
  useLiveChanges((changes) => {
    if (changes.reset) return reload();
    const belongs = belongsTo(folderQuery(folder, query));
    setState((previous) =>
      !same(previous) || previous.items.length === 0
        ? previous
        : {
            ...previous,
            items: mergeChats({ items: previous.items, complete: previous.done, query, belongs }, changes.chats),
          },
    );
  });
  return { items: state.items, loading, error: state.error, hasMore: !state.done, loadMore, reload };
}

/** The main list's pinned chats (few: WhatsApp allows three), shown above the others, kept current. */
export function usePinnedChats(enabled: boolean): Chat[] {
  const [pinned, setPinned] = useState<Chat[]>([]);
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    listChats({ archived: false, pinned: true }, controller.signal).then(
      (page) => setPinned(page.items),
      () => undefined, // the main list shows the error
    );
    return () => controller.abort();
  }, [enabled, nonce]);
  useLiveChanges((changes) => {
    if (changes.reset) return setNonce((n) => n + 1);
    const belongs = belongsTo({ archived: false, pinned: true });
    setPinned((previous) => mergeChats({ items: previous, complete: true, query: '', belongs }, changes.chats));
  });
  return enabled ? pinned : [];
}

/** Whether there is an archived chat (the main list then offers the Archived folder). */
export function useHasArchived(enabled: boolean): boolean {
  const [found, setFound] = useState(false);
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    listChats({ archived: true, limit: 1 }, controller.signal).then(
      (page) => setFound(page.items.length > 0),
      () => undefined,
    );
    return () => controller.abort();
  }, [enabled, nonce]);
  useLiveChanges((changes) => {
    if (changes.reset) return setNonce((n) => n + 1);
    if (changes.chats.some((change) => change.chat?.is_archived)) setFound(true);
  });
  return enabled && found;
}
