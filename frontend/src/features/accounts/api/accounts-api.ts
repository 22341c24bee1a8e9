import { api } from '@/lib/api-client';
import type { components } from '@/lib/api-schema';
import type { Account } from '@/stores/account-store';

export type { Account } from '@/stores/account-store';
export type AccountCreate = components['schemas']['AccountCreate'];
export type AccountUpdate = components['schemas']['AccountUpdate'];
export type AccountDeletion = components['schemas']['AccountDeletion'];

export interface DeleteChoices {
  media: boolean;
  eventLog: boolean;
}

export const listAccounts = (signal?: AbortSignal): Promise<Account[]> => api.get('/api/accounts', { signal });

export const createAccount = (body: AccountCreate): Promise<Account> => api.post('/api/accounts', { body });

export const updateAccount = (id: string, body: AccountUpdate): Promise<Account> =>
  api.patch('/api/accounts/{id}', { path: { id }, body });

/** What deleting the account removes (a dry run, the default), or removes it (`confirm` = its id). */
export const deleteAccount = (id: string, choices: DeleteChoices, confirm?: string): Promise<AccountDeletion> =>
  api.delete('/api/accounts/{id}', {
    path: { id },
    query: { dry_run: confirm === undefined, confirm, media: choices.media, event_log: choices.eventLog },
  });

/** An account id from a display name, as the API accepts them (letters, digits, '_', '.', '-'). */
export function idFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 40);
}

export const ACCOUNT_ID = /^[A-Za-z0-9_.-]{1,128}$/;
