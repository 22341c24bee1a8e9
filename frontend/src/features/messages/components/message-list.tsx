import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { List, useListRef, type RowComponentProps } from 'react-window';
import { MessageBubble } from '@/features/messages/components/message-bubble';
import { isTimelineEntry, SystemLine } from '@/features/messages/components/system-line';
import { estimateRowHeight, type MessageRow } from '@/features/messages/utils/message-rows';

const EDGE_ROWS = 3;
const EDGE_PX = 240;

/** Where the list really is: the range react-window reports can be one commit behind a scroll we
 * just made (e.g. the shift after a prepend), which would fetch a second page at once. */
function nearEdges(element: HTMLElement | null | undefined): { top: boolean; bottom: boolean } {
  if (!element || element.clientHeight === 0) return { top: true, bottom: true }; // not laid out (tests)
  return {
    top: element.scrollTop <= EDGE_PX,
    bottom: element.scrollHeight - element.scrollTop - element.clientHeight <= EDGE_PX,
  };
}

/** Within a few pixels of the end: a new message at the bottom keeps it in view. */
const STICK_PX = 8;
function atBottom(element: HTMLElement | null | undefined): boolean {
  return !!element && element.scrollHeight - element.scrollTop - element.clientHeight <= STICK_PX;
}

function scrollToEnd(element: HTMLElement | null | undefined): void {
  if (element) element.scrollTop = element.scrollHeight;
}

function shiftScroll(element: HTMLElement | null | undefined, delta: number): void {
  if (element && delta !== 0) element.scrollTop += delta;
}

interface RowData {
  rows: MessageRow[];
  highlightedId: string | null;
  onJump: (messageId: string) => void;
  /** A stable ref callback: one ResizeObserver for all rows (a prepend changes no row's ref). */
  observe: (element: HTMLDivElement | null) => (() => void) | undefined;
}

function Row({ index, style, rows, highlightedId, onJump, observe }: RowComponentProps<RowData>) {
  const row = rows[index];
  if (!row) return null;
  return (
    <div style={style} role="listitem" className="message-row">
      <div
        ref={observe}
        data-row-key={row.key}
        data-row-index={index}
        className={
          row.kind === 'day'
            ? 'day-row'
            : `message-row-inner${row.message.from_me && !isTimelineEntry(row.message) ? ' own' : ''}`
        }
      >
        {row.kind === 'day' ? (
          <span className="day-separator" role="separator" aria-label={row.label}>
            {row.label}
          </span>
        ) : isTimelineEntry(row.message) ? (
          <SystemLine message={row.message} />
        ) : (
          <MessageBubble
            message={row.message}
            showSender={row.showSender}
            highlighted={row.message.id === highlightedId}
            onJumpToMessage={onJump}
          />
        )}
      </div>
    </div>
  );
}

interface MessageListProps {
  /** Changes when a new window is loaded (another chat or a jump): triggers the initial positioning. */
  windowKey: string;
  rows: MessageRow[];
  /** Row to show first: the jump target, or the newest (last) row. */
  initialIndex: number;
  highlightedId: string | null;
  onReachTop: () => void;
  onReachBottom: () => void;
  onJump: (messageId: string) => void;
}

/** Virtualized, variable-height rows; keeps the reading position when older pages are prepended.
 * Until the user scrolls, the initial row stays pinned (bottom-aligned for the newest, centred for a
 * jump target) while rows are measured, and no edge page is fetched. */
export function MessageList({
  windowKey,
  rows,
  initialIndex,
  highlightedId,
  onReachTop,
  onReachBottom,
  onJump,
}: MessageListProps) {
  const listRef = useListRef(null);
  const heights = useRef(new Map<string, number>());
  const firstVisible = useRef(0);
  const positioned = useRef<string | null>(null);
  /** The first message row and the height above it, to measure what a prepend added. */
  const anchor = useRef<{ key: string; offset: number } | null>(null);
  /** True until a scroll we did not make: the user has not moved yet. */
  const pinned = useRef(true);
  /** Where our own last scroll left the list (a scroll elsewhere is the user's); null: never moved. */
  const ownScrollTop = useRef<number | null>(null);
  /** Height change of measured rows above the viewport, applied once the list has laid them out. */
  const pendingShift = useRef(0);
  /** The user left the list at its end (live updates append there and keep it at the end). */
  const stuckToBottom = useRef(false);
  const [version, setVersion] = useState(0);
  const frame = useRef<number | null>(null);

  const heightOf = useCallback((row: MessageRow) => heights.current.get(row.key) ?? estimateRowHeight(row), []);
  // Recreated when measurements change, so the list lays rows out again.
  const rowHeight = useCallback(
    (index: number, data: RowData) => {
      void version;
      const row = data.rows[index];
      return row ? heightOf(row) : 0;
    },
    [heightOf, version],
  );

  const rememberScroll = useCallback(() => {
    ownScrollTop.current = listRef.current?.element?.scrollTop ?? null;
  }, [listRef]);

  const pin = useCallback(() => {
    const index = Math.max(0, Math.min(rows.length - 1, initialIndex));
    listRef.current?.scrollToRow({ index, align: index === rows.length - 1 ? 'end' : 'center' });
    rememberScroll();
  }, [rows.length, initialIndex, listRef, rememberScroll]);

  const stickToBottom = useCallback(() => {
    scrollToEnd(listRef.current?.element);
    rememberScroll();
  }, [listRef, rememberScroll]);

  const rowsNow = useRef(rows);
  useLayoutEffect(() => {
    rowsNow.current = rows;
  }, [rows]);

  const onMeasure = useCallback((index: number, key: string, height: number) => {
    const known = heights.current.get(key);
    if (height <= 0 || (known !== undefined && Math.abs(known - height) < 1)) return;
    const row = rowsNow.current[index];
    const before = known ?? (row ? estimateRowHeight(row) : height);
    heights.current.set(key, height);
    // A row above the viewport changed size: the visible content must stay put.
    if (index < firstVisible.current && positioned.current !== null) pendingShift.current += height - before;
    if (frame.current === null) {
      frame.current = requestAnimationFrame(() => {
        frame.current = null;
        setVersion((value) => value + 1);
      });
    }
  }, []);

  const observer = useRef<ResizeObserver | null>(null);
  const observe = useCallback(
    (element: HTMLDivElement | null) => {
      if (!element || typeof ResizeObserver === 'undefined') return undefined;
      observer.current ??= new ResizeObserver((entries) => {
        for (const entry of entries) {
          const target = entry.target as HTMLElement;
          const height = entry.borderBoxSize?.[0]?.blockSize ?? target.offsetHeight;
          onMeasure(Number(target.dataset.rowIndex), target.dataset.rowKey ?? '', Math.round(height));
        }
      });
      const current = observer.current;
      current.observe(element);
      return () => current.unobserve(element);
    },
    [onMeasure],
  );

  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      observer.current?.disconnect();
    },
    [],
  );

  // The list has laid out new measurements: re-pin, or compensate what grew above the viewport.
  useLayoutEffect(() => {
    const shift = pendingShift.current;
    pendingShift.current = 0;
    if (positioned.current !== windowKey) return;
    if (pinned.current) pin();
    else if (stuckToBottom.current) stickToBottom();
    else if (shift !== 0) {
      shiftScroll(listRef.current?.element, shift);
      rememberScroll();
    }
  }, [version, windowKey, pin, listRef, rememberScroll, stickToBottom]);

  // Rows added at the end (live updates) while the user was at the end: stay there.
  useLayoutEffect(() => {
    if (positioned.current === windowKey && !pinned.current && stuckToBottom.current) stickToBottom();
  }, [rows, windowKey, stickToBottom]);

  // Older rows were prepended: move down by their height so the same message stays in view.
  useLayoutEffect(() => {
    const previous = anchor.current;
    const index = rows.findIndex((row) => row.kind === 'message');
    const offsetBefore = (upTo: number) => rows.slice(0, upTo).reduce((sum, row) => sum + heightOf(row), 0);
    anchor.current = index >= 0 ? { key: rows[index]?.key ?? '', offset: offsetBefore(index) } : null;
    if (!previous || positioned.current !== windowKey) return;
    const moved = rows.findIndex((row) => row.key === previous.key);
    if (moved > index) {
      shiftScroll(listRef.current?.element, offsetBefore(moved) - previous.offset);
      rememberScroll();
    }
  }, [rows, windowKey, listRef, heightOf, rememberScroll]);

  useLayoutEffect(() => {
    if (rows.length === 0 || positioned.current === windowKey) return;
    pinned.current = true;
    pin();
    positioned.current = windowKey;
  }, [rows.length, windowKey, pin]);

  const onScroll = useCallback(() => {
    stuckToBottom.current = atBottom(listRef.current?.element);
    const top = listRef.current?.element?.scrollTop;
    if (pinned.current && top !== undefined && Math.abs(top - (ownScrollTop.current ?? 0)) > 1) {
      pinned.current = false;
    }
  }, [listRef]);

  return (
    <List
      className="virtual-list message-list"
      role="list"
      aria-label="Messages"
      listRef={listRef}
      rowComponent={Row}
      rowCount={rows.length}
      rowHeight={rowHeight}
      rowProps={{ rows, highlightedId, onJump, observe }}
      rowKey={useCallback((index: number, data: RowData) => data.rows[index]?.key ?? index, [])}
      defaultHeight={700}
      overscanCount={4}
      onScroll={onScroll}
      onRowsRendered={({ startIndex, stopIndex }) => {
        firstVisible.current = startIndex;
        if (positioned.current !== windowKey || pinned.current) return;
        const edges = nearEdges(listRef.current?.element);
        if (startIndex <= EDGE_ROWS && edges.top) onReachTop();
        if (stopIndex >= rows.length - 1 - EDGE_ROWS && edges.bottom) onReachBottom();
      }}
    />
  );
}
