import { api } from '@/lib/api-client';
import type { StatusPage } from '@/lib/api-types';

export const STATUS_PAGE_SIZE = 200;

/** Archived status posts grouped by contact; `cursor` from the previous page for older posts. */
export const listStatus = (cursor: string | null, signal?: AbortSignal): Promise<StatusPage> =>
  api.get('/api/status', { query: { cursor, limit: STATUS_PAGE_SIZE }, signal });
