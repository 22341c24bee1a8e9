import { api } from '@/lib/api-client';
import type { CallPage } from '@/lib/api-types';

export const CALL_PAGE_SIZE = 50;

/** Calls newest first: every chat's, or one chat's (`chat`); `cursor` from the previous page. */
export const listCalls = (chat: string | null, cursor: string | null, signal?: AbortSignal): Promise<CallPage> =>
  api.get('/api/calls', { query: { chat, cursor, limit: CALL_PAGE_SIZE }, signal });
