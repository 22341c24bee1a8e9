import { api } from '@/lib/api-client';
import type { MessageType, SearchPage } from '@/lib/api-types';

export interface SearchParams {
  q: string;
  chat?: string | null;
  sender?: string | null;
  from?: string | null;
  to?: string | null;
  type?: MessageType | null;
  cursor?: string | null;
  /** null: every account (the API's default without `account`); absent: the account shown. */
  account?: null;
}

export const searchMessages = (params: SearchParams, signal?: AbortSignal): Promise<SearchPage> =>
  api.get('/api/search', { query: { ...params, limit: 30 }, signal });
