import { useEffect, useState } from 'react';
import type { Call } from '@/lib/api-types';
import { errorMessage } from '@/lib/api-client';
import { listCalls } from '@/features/calls/api/calls-api';
import { CallEntry } from '@/features/calls/components/call-entry';

interface CallsState {
  calls: Call[];
  next: string | null;
  error: string | null;
  loading: boolean;
}

/** The call log: one chat's calls (`chat`), or every chat's with the chat named. Keyed by its
 * parent on `chat`: a new chat is a new list. */
export function CallsList({ chat = null }: { chat?: string | null }) {
  const [state, setState] = useState<CallsState>({ calls: [], next: null, error: null, loading: true });

  const show = (cursor: string | null, signal?: AbortSignal) =>
    listCalls(chat, cursor, signal)
      .then((page) =>
        setState((current) => ({
          calls: cursor ? [...current.calls, ...page.items] : page.items,
          next: page.next_cursor,
          error: null,
          loading: false,
        })),
      )
      .catch((error: unknown) => {
        if (!signal?.aborted) setState((current) => ({ ...current, error: errorMessage(error), loading: false }));
      });

  useEffect(() => {
    const controller = new AbortController();
    void show(null, controller.signal);
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the first page once; the parent keys the list by chat
  }, []);

  const loadOlder = () => {
    setState((current) => ({ ...current, loading: true }));
    void show(state.next);
  };

  if (state.error) return <p role="alert">{state.error}</p>;
  if (!state.loading && state.calls.length === 0) return <p className="muted small">No calls.</p>;
  return (
    <div className="calls-list">
      <div role="list" aria-label="Calls">
        {state.calls.map((call) => (
          <CallEntry key={call.call_id} call={call} showChat={chat === null} />
        ))}
      </div>
      {state.next && (
        <button type="button" className="link-button" disabled={state.loading} onClick={loadOlder}>
          Older calls
        </button>
      )}
    </div>
  );
}

/** A chat's calls, folded away above its messages until asked for. */
export function ChatCalls({ jid }: { jid: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="chat-calls" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Calls</summary>
      {open && <CallsList key={jid} chat={jid} />}
    </details>
  );
}
