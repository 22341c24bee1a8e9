import { useEffect, useState, type ReactNode } from 'react';
import type { Message, StatusContact } from '@/lib/api-types';
import { errorMessage } from '@/lib/api-client';
import { formatDateTime } from '@/lib/format';
import type { Changes } from '@/lib/live/changes-api';
import { useLiveChanges } from '@/lib/live/use-live-changes';
import { Avatar } from '@/components/avatar';
import { listStatus } from '@/features/status/api/status-api';

interface StatusState {
  contacts: StatusContact[];
  next: string | null;
  error: string | null;
  loading: boolean;
}

/** Pages newest first: a contact already shown keeps its place, its older posts go in front. */
export function mergeContacts(shown: StatusContact[], older: StatusContact[]): StatusContact[] {
  const merged = shown.map((contact) => ({ ...contact, posts: [...contact.posts] }));
  for (const contact of older) {
    const known = merged.find((item) => item.sender_jid === contact.sender_jid);
    if (known) known.posts.unshift(...contact.posts);
    else merged.push(contact);
  }
  return merged;
}

const STATUS_JID = 'status@broadcast';

/** A change of the archive that brings new status posts (or asks for a full reload). */
export const touchesStatus = (changes: Changes): boolean =>
  changes.reset || changes.chats.some((changed) => changed.jid === STATUS_JID);

export const contactName = (contact: StatusContact): string =>
  contact.from_me ? 'My status' : contact.sender_name || contact.sender_jid?.split('@')[0] || 'Unknown';

/** The archived status posts (stories), grouped by contact, the newest contact first. How a post
 * is drawn is the caller's (`renderPost`: the app passes the message bubble). */
export function StatusView({ renderPost }: { renderPost: (post: Message) => ReactNode }) {
  const [state, setState] = useState<StatusState>({ contacts: [], next: null, error: null, loading: true });

  const show = (cursor: string | null, signal?: AbortSignal) =>
    listStatus(cursor, signal)
      .then((page) =>
        setState((current) => ({
          contacts: cursor ? mergeContacts(current.contacts, page.contacts) : page.contacts,
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
  }, []);

  useLiveChanges((changes) => {
    if (touchesStatus(changes)) void show(null); // a new post: the newest page again
  });

  const loadOlder = () => {
    setState((current) => ({ ...current, loading: true }));
    void show(state.next);
  };

  if (state.error) return <p role="alert">{state.error}</p>;
  if (!state.loading && state.contacts.length === 0) {
    return <p className="muted small">No status posts archived. Track “Status” in the tracking panel to keep them.</p>;
  }
  return (
    <div className="status-view">
      <ul aria-label="Status by contact" className="status-contacts">
        {state.contacts.map((contact) => (
          <li key={contact.sender_jid ?? 'unknown'} className="status-contact">
            <details open>
              <summary>
                <Avatar name={contactName(contact)} seed={contact.sender_jid ?? ''} size={32} />
                <span className="strong">{contactName(contact)}</span>
                <span className="muted small">
                  {' '}
                  {contact.posts.length} · {formatDateTime(contact.latest_at)}
                </span>
              </summary>
              <div role="list" aria-label={`Status posts of ${contactName(contact)}`}>
                {contact.posts.map((post) => (
                  <div role="listitem" key={post.id}>
                    {renderPost(post)}
                  </div>
                ))}
              </div>
            </details>
          </li>
        ))}
      </ul>
      {state.next && (
        <button type="button" className="link-button" disabled={state.loading} onClick={loadOlder}>
          Older status posts
        </button>
      )}
    </div>
  );
}
