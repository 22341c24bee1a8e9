import { api } from '@/lib/api-client';
import type { components } from '@/lib/api-schema';

/** Retro-tracking: untracked chats' content is held for `retention_days` (0: not held); tracking a
 * chat replays its held history (GET/DELETE /api/tracking/held, DELETE /api/tracking/{jid}/held). */
export type HeldReplay = components['schemas']['HeldReplay'];
export type HeldStatus = components['schemas']['HeldStatus'];
export type HeldForgotten = components['schemas']['HeldForgotten'];

export const heldStatus = (signal?: AbortSignal): Promise<HeldStatus> => api.get('/api/tracking/held', { signal });

export const forgetAllHeld = (): Promise<HeldForgotten> => api.delete('/api/tracking/held');

export const forgetHeld = (jid: string): Promise<HeldForgotten> =>
  api.delete('/api/tracking/{jid}/held', { path: { jid } });
