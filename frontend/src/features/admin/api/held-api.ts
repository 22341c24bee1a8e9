import { apiRequest } from '@/lib/api-client';

/** Retro-tracking: untracked chats' content is held for `retention_days` (0: not held); tracking a
 * chat replays its held history (GET/DELETE /api/tracking/held, DELETE /api/tracking/{jid}/held). */
export interface HeldReplay {
  state: 'running' | 'done' | 'failed';
  batches: number;
  at?: number | null;
  error?: string | null;
}

export interface HeldStatus {
  retention_days: number;
  replays: Record<string, HeldReplay>;
}

export interface HeldForgotten {
  deleted: number;
}

export const heldStatus = (signal?: AbortSignal): Promise<HeldStatus> => apiRequest<HeldStatus>('/api/tracking/held', { signal });

export const forgetAllHeld = (): Promise<HeldForgotten> => apiRequest<HeldForgotten>('/api/tracking/held', { method: 'DELETE' });

export const forgetHeld = (jid: string): Promise<HeldForgotten> =>
  apiRequest<HeldForgotten>(`/api/tracking/${encodeURIComponent(jid)}/held`, { method: 'DELETE' });
