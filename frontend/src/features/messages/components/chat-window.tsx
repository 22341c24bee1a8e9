import { useCallback, useMemo } from 'react';
import type { ChatKind } from '@/lib/api-types';
import { Empty, ErrorNotice, Loading } from '@/components/state-message';
import { useNavigationStore } from '@/stores/navigation-store';
import { useMessageWindow } from '@/features/messages/api/use-message-window';
import { MessageList } from '@/features/messages/components/message-list';
import { buildRows } from '@/features/messages/utils/message-rows';

interface ChatWindowProps {
  jid: string;
  kind: ChatKind;
}

/** The open chat's messages; follows jumps (search hits, quoted replies) by loading around the target. */
export function ChatWindow({ jid, kind }: ChatWindowProps) {
  const jumpTarget = useNavigationStore((state) => state.jumpTarget);
  const jumpTo = useNavigationStore((state) => state.jumpTo);
  const anchor = jumpTarget?.chatJid === jid ? jumpTarget : null;
  const window = useMessageWindow(jid, anchor?.messageId ?? null, anchor?.nonce ?? 0);
  const rows = useMemo(() => buildRows(window.items, kind === 'group' || kind === 'community'), [window.items, kind]);
  const onJump = useCallback((messageId: string) => jumpTo(jid, messageId), [jumpTo, jid]);
  const windowKey = `${jid}|${anchor?.messageId ?? ''}|${anchor?.nonce ?? 0}`;
  const targetIndex = anchor
    ? rows.findIndex((row) => row.kind === 'message' && row.message.id === anchor.messageId)
    : -1;

  if (!window.ready && window.error) return <ErrorNotice error={window.error} onRetry={window.retry} />;
  if (!window.ready) return <Loading label="Loading messages…" />;
  if (rows.length === 0) return <Empty>No archived messages in this chat.</Empty>;
  return (
    <div className="chat-window-body">
      {window.busy === 'older' && <div className="edge-loading top">Loading older messages…</div>}
      {window.error !== null && window.error !== undefined && <ErrorNotice error={window.error} />}
      <MessageList
        key={windowKey}
        windowKey={windowKey}
        rows={rows}
        initialIndex={targetIndex >= 0 ? targetIndex : rows.length - 1}
        highlightedId={anchor?.messageId ?? null}
        onReachTop={window.loadOlder}
        onReachBottom={window.loadNewer}
        onJump={onJump}
      />
      {window.busy === 'newer' && <div className="edge-loading bottom">Loading newer messages…</div>}
    </div>
  );
}
