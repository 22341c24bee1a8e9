import { apiRequest } from '@/lib/api-client';
import type { LoginResult } from '@/lib/api-types';

export const login = (password: string): Promise<LoginResult> =>
  apiRequest<LoginResult>('/api/auth/login', { method: 'POST', body: { password } });

export const logout = (): Promise<undefined> => apiRequest<undefined>('/api/auth/logout', { method: 'POST' });
