import { apiRequest } from '@/lib/api-client';
import type { TrackingItem, TrackingUpdate } from '@/lib/api-types';

export const listTracking = (signal?: AbortSignal): Promise<TrackingItem[]> =>
  apiRequest<TrackingItem[]>('/api/tracking', { signal });

export const updateTracking = (jid: string, update: TrackingUpdate): Promise<TrackingItem> =>
  apiRequest<TrackingItem>(`/api/tracking/${encodeURIComponent(jid)}`, { method: 'PATCH', body: update });
