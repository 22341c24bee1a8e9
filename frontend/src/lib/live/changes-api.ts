import { apiRequest } from '@/lib/api-client';
import type { Chat, Message } from '@/lib/api-types';

/** One chat changed after the client's revision (GET /api/changes). */
export interface ChangedChat {
  jid: string;
  /** Its list entry now; null: no longer listed (merged into another chat). */
  chat: Chat | null;
  /** Its messages written since; null: too many to list, reload its newest page. */
  message_ids: string[] | null;
}

export interface Changes {
  revision: number;
  /** The revision is older than the server keeps (or from another archive): reload everything. */
  reset: boolean;
  chats: ChangedChat[];
  /** The changed messages of the chat asked for (`chat`), oldest first. */
  messages: Message[];
}

/** The browser revalidates the previous answer of the same URL with its ETag: "nothing changed" is a
 * 304 the browser turns back into that (empty) answer. */
export const fetchChanges = (since: number | null, chat: string | null, signal?: AbortSignal): Promise<Changes> =>
  apiRequest<Changes>('/api/changes', { query: { since, chat }, signal });
