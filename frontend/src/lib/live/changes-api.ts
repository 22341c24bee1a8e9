import { api } from '@/lib/api-client';
import type { Changes } from '@/lib/api-types';

export type { ChangedChat, Changes } from '@/lib/api-types';

/** The browser revalidates the previous answer of the same URL with its ETag: "nothing changed" is a
 * 304 the browser turns back into that (empty) answer. */
export const fetchChanges = (since: number | null, chat: string | null, signal?: AbortSignal): Promise<Changes> =>
  api.get('/api/changes', { query: { since: since === null ? null : String(since), chat }, signal });
