import { useState, type KeyboardEvent } from 'react';
import { List, useListRef, type RowComponentProps } from 'react-window';
import type { Chat } from '@/lib/api-types';
import { Empty, ErrorNotice, Loading } from '@/components/state-message';
import { useDebounced } from '@/lib/use-debounced';
import { useNavigationStore } from '@/stores/navigation-store';
import { useChatList, useHasArchived, usePinnedChats } from '@/features/chats/api/chats-api';
import { ChatRow } from '@/features/chats/components/chat-row';
import { useChatFilterStore } from '@/features/chats/stores/chat-filter-store';

export const CHAT_ROW_HEIGHT = 68;
const LOAD_AHEAD = 20;

interface RowData {
  chats: Chat[];
  selectedJid: string | null;
  activeIndex: number;
  onOpen: (jid: string) => void;
}

const optionId = (index: number) => `chat-option-${index}`;

function Row({ index, style, chats, selectedJid, activeIndex, onOpen }: RowComponentProps<RowData>) {
  const chat = chats[index];
  if (!chat) return null;
  return (
    <ChatRow
      chat={chat}
      id={optionId(index)}
      selected={chat.jid === selectedJid}
      active={index === activeIndex}
      style={style}
      position={index + 1}
      total={chats.length}
      onOpen={onOpen}
    />
  );
}

function emptyText(query: string, folder: string): string {
  if (query) return 'No chat matches the filter.';
  return folder === 'archived' ? 'No archived chats.' : 'No chats yet.';
}

export function ChatList() {
  const filter = useChatFilterStore((state) => state.filter);
  const setFilter = useChatFilterStore((state) => state.setFilter);
  const folder = useChatFilterStore((state) => state.folder);
  const setFolder = useChatFilterStore((state) => state.setFolder);
  const selectedJid = useNavigationStore((state) => state.selectedChatJid);
  const openChat = useNavigationStore((state) => state.openChat);
  const query = useDebounced(filter.trim(), 250);
  const mainList = folder === 'chats' && !query; // WhatsApp's list: pinned chats on top, Archived above
  const { items: paged, loading, error, hasMore, loadMore, reload } = useChatList(query, folder);
  const pinned = usePinnedChats(mainList);
  const hasArchived = useHasArchived(mainList);
  const items = pinned.length
    ? [...pinned, ...paged.filter((chat) => !pinned.some((top) => top.jid === chat.jid))]
    : paged;
  const view = query ? 'filter' : folder;
  const [active, setActive] = useState({ view, index: 0 });
  const activeIndex = active.view === view ? Math.min(active.index, Math.max(items.length - 1, 0)) : 0;
  const listRef = useListRef(null);

  function move(index: number) {
    const clamped = Math.max(0, Math.min(items.length - 1, index));
    setActive({ view, index: clamped });
    listRef.current?.scrollToRow({ index: clamped, align: 'auto' });
  }

  function onKeyDown(event: KeyboardEvent) {
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(activeIndex + 1),
      ArrowUp: () => move(activeIndex - 1),
      Home: () => move(0),
      End: () => move(items.length - 1),
      PageDown: () => move(activeIndex + 8),
      PageUp: () => move(activeIndex - 8),
      Enter: () => {
        const chat = items[activeIndex];
        if (chat) openChat(chat.jid);
      },
    };
    const action = keys[event.key];
    if (action && items.length > 0) {
      event.preventDefault();
      action();
    }
  }

  return (
    <section className="chat-list" aria-label="Chats">
      <input
        type="search"
        className="filter-box"
        placeholder="Filter chats"
        aria-label="Filter chats"
        aria-controls="chat-listbox"
        value={filter}
        onChange={(event) => setFilter(event.target.value)}
      />
      {!query && folder === 'archived' && (
        <button type="button" className="folder-row" onClick={() => setFolder('chats')}>
          <span aria-hidden="true">←</span>
          <span className="folder-name">Archived</span>
        </button>
      )}
      {mainList && hasArchived && (
        <button type="button" className="folder-row" onClick={() => setFolder('archived')}>
          <span aria-hidden="true">🗄</span>
          <span className="folder-name">Archived</span>
        </button>
      )}
      {error !== null && error !== undefined && <ErrorNotice error={error} onRetry={reload} />}
      {items.length === 0 && loading && <Loading label="Loading chats…" />}
      {items.length === 0 && !loading && !error && <Empty>{emptyText(query, folder)}</Empty>}
      {items.length > 0 && (
        <List
          id="chat-listbox"
          role="listbox"
          aria-label="Chats"
          aria-activedescendant={optionId(activeIndex)}
          tabIndex={0}
          onKeyDown={onKeyDown}
          className="virtual-list"
          listRef={listRef}
          rowComponent={Row}
          rowCount={items.length}
          rowHeight={CHAT_ROW_HEIGHT}
          rowProps={{ chats: items, selectedJid, activeIndex, onOpen: openChat }}
          defaultHeight={600}
          overscanCount={6}
          onRowsRendered={({ stopIndex }) => {
            if (hasMore && !loading && stopIndex >= items.length - LOAD_AHEAD) loadMore();
          }}
        />
      )}
    </section>
  );
}
