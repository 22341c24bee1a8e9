import { api } from '@/lib/api-client';
import type { LoginResult } from '@/lib/api-types';

export const login = (password: string): Promise<LoginResult> => api.post('/api/auth/login', { body: { password } });

export const logout = (): Promise<undefined> => api.post('/api/auth/logout');
