import { ApiError, api } from '@/lib/api-client';

export type KnownStatus = 'anonymous' | 'authenticated';

/** Whether the session cookie still works: only a 401 means signed out (any other failure lets the
 * signed-in app show it, as before). */
export async function sessionStatus(): Promise<KnownStatus> {
  try {
    await api.get('/api/session');
    return 'authenticated';
  } catch (error) {
    return error instanceof ApiError && error.status === 401 ? 'anonymous' : 'authenticated';
  }
}
