import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { List, useListRef, type RowComponentProps } from 'react-window';
import { MessageBubble } from '@/features/messages/components/message-bubble';
import { estimateRowHeight, type MessageRow } from '@/features/messages/utils/message-rows';

const EDGE_ROWS = 3;

function shiftScroll(element: HTMLElement | null | undefined, delta: number): void {
  if (element && delta !== 0) element.scrollTop += delta;
}

interface RowData {
  rows: MessageRow[];
  highlightedId: string | null;
  onJump: (messageId: string) => void;
  onMeasure: (index: number, key: string, height: number) => void;
}

function Row({ index, style, rows, highlightedId, onJump, onMeasure }: RowComponentProps<RowData>) {
  const row = rows[index];
  const measure = useCallback(
    (element: HTMLDivElement | null) => {
      if (!element || !row || typeof ResizeObserver === 'undefined') return;
      const observer = new ResizeObserver(() => onMeasure(index, row.key, element.offsetHeight));
      observer.observe(element);
      return () => observer.disconnect();
    },
    [index, row, onMeasure],
  );
  if (!row) return null;
  return (
    <div style={style} role="listitem" className="message-row">
      <div ref={measure} className={row.kind === 'day' ? 'day-row' : `message-row-inner${row.message.from_me ? ' own' : ''}`}>
        {row.kind === 'day' ? (
          <span className="day-separator" role="separator" aria-label={row.label}>
            {row.label}
          </span>
        ) : (
          <MessageBubble message={row.message} showSender={row.showSender} highlighted={row.message.id === highlightedId} onJumpToMessage={onJump} />
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

/** Virtualized, variable-height rows; keeps the reading position when older pages are prepended. */
export function MessageList({ windowKey, rows, initialIndex, highlightedId, onReachTop, onReachBottom, onJump }: MessageListProps) {
  const listRef = useListRef(null);
  const heights = useRef(new Map<string, number>());
  const firstVisible = useRef(0);
  const positioned = useRef<string | null>(null);
  /** The first message row and the height above it, to measure what a prepend added. */
  const anchor = useRef<{ key: string; offset: number } | null>(null);
  const [version, setVersion] = useState(0);
  const frame = useRef<number | null>(null);

  const heightOf = useCallback(
    (row: MessageRow) => heights.current.get(row.key) ?? estimateRowHeight(row),
    [],
  );
  // Recreated when measurements change, so the list lays rows out again.
  const rowHeight = useCallback((index: number, data: RowData) => {
    void version;
    const row = data.rows[index];
    return row ? heightOf(row) : 0;
  }, [heightOf, version]);

  const onMeasure = useCallback((index: number, key: string, height: number) => {
    const known = heights.current.get(key);
    if (height <= 0 || (known !== undefined && Math.abs(known - height) < 1)) return;
    const row = rows[index];
    const before = known ?? (row ? estimateRowHeight(row) : height);
    heights.current.set(key, height);
    const element = listRef.current?.element;
    // A row above the viewport changed size: shift the scroll so the visible content stays put.
    if (index < firstVisible.current && positioned.current !== null) shiftScroll(element, height - before);
    if (frame.current === null) {
      frame.current = requestAnimationFrame(() => {
        frame.current = null;
        setVersion((value) => value + 1);
      });
    }
  }, [rows, listRef]);

  useEffect(() => () => {
    if (frame.current !== null) cancelAnimationFrame(frame.current);
  }, []);

  // Older rows were prepended: move down by their height so the same message stays in view.
  useLayoutEffect(() => {
    const previous = anchor.current;
    const index = rows.findIndex((row) => row.kind === 'message');
    const offsetBefore = (upTo: number) => rows.slice(0, upTo).reduce((sum, row) => sum + heightOf(row), 0);
    anchor.current = index >= 0 ? { key: rows[index]?.key ?? '', offset: offsetBefore(index) } : null;
    if (!previous || positioned.current !== windowKey) return;
    const moved = rows.findIndex((row) => row.key === previous.key);
    if (moved > index) shiftScroll(listRef.current?.element, offsetBefore(moved) - previous.offset);
  }, [rows, windowKey, listRef, heightOf]);

  useLayoutEffect(() => {
    if (rows.length === 0 || positioned.current === windowKey) return;
    const index = Math.max(0, Math.min(rows.length - 1, initialIndex));
    listRef.current?.scrollToRow({ index, align: index === rows.length - 1 ? 'end' : 'center' });
    positioned.current = windowKey;
  }, [rows.length, windowKey, initialIndex, listRef]);

  return (
    <List
      className="virtual-list message-list"
      role="list"
      aria-label="Messages"
      listRef={listRef}
      rowComponent={Row}
      rowCount={rows.length}
      rowHeight={rowHeight}
      rowProps={{ rows, highlightedId, onJump, onMeasure }}
      rowKey={useCallback((index: number, data: RowData) => data.rows[index]?.key ?? index, [])}
      defaultHeight={700}
      overscanCount={4}
      onRowsRendered={({ startIndex, stopIndex }) => {
        firstVisible.current = startIndex;
        if (positioned.current !== windowKey) return;
        if (startIndex <= EDGE_ROWS) onReachTop();
        if (stopIndex >= rows.length - 1 - EDGE_ROWS) onReachBottom();
      }}
    />
  );
}
