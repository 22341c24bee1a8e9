import { api } from '@/lib/api-client';
import type { ConnectorCommand, PairPhoneRequest } from '@/lib/api-types';

// The connector's commands (202: queued for the connector; the session poll shows the outcome).

/** 400 bad number, 409 already paired. */
export const pairPhone = (phone: string): Promise<ConnectorCommand> =>
  api.post('/api/connector/pair-phone', { body: { phone } satisfies PairPhoneRequest });

export const logoutDevice = (): Promise<ConnectorCommand> => api.post('/api/connector/logout');

export const restartConnector = (): Promise<ConnectorCommand> => api.post('/api/connector/restart');

/** 409 when already paired. */
export const newQrCode = (): Promise<ConnectorCommand> => api.post('/api/connector/new-code');

/** A phone number as typed, checked before it is sent: international, 7-15 digits; sent as +digits. */
export function checkPhone(input: string): { phone: string } | { error: string } {
  const trimmed = input.trim();
  if (!trimmed) return { error: 'Enter the phone number of the WhatsApp account.' };
  if (/[^\d\s+().-]/.test(trimmed)) return { error: 'Use digits only, with the country code: +49 151 1234 5678.' };
  const compact = trimmed.replace(/[\s().-]/g, '').replace(/^00/, '+');
  if (!/^\+?\d+$/.test(compact)) return { error: 'Only one leading + is allowed: +49 151 1234 5678.' };
  const digits = compact.replace('+', '');
  if (digits.startsWith('0')) return { error: 'Start with the country code (+49 …), not a leading 0.' };
  if (digits.length < 7 || digits.length > 15)
    return { error: 'A phone number with its country code has 7 to 15 digits.' };
  return { phone: `+${digits}` };
}
