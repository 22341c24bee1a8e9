import { api } from '@/lib/api-client';
import type { TrackingItem, TrackingUpdate } from '@/lib/api-types';

export const listTracking = (signal?: AbortSignal): Promise<TrackingItem[]> => api.get('/api/tracking', { signal });

export const updateTracking = (jid: string, update: TrackingUpdate): Promise<TrackingItem> =>
  api.patch('/api/tracking/{jid}', { path: { jid }, body: update });
