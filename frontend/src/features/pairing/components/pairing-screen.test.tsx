import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { ConnectorSession } from '@/lib/api-types';
import { needsPairing } from '@/features/pairing/api/session-api';
import { ConnectionBanner } from '@/features/pairing/components/connection-banner';
import { PairingScreen } from '@/features/pairing/components/pairing-screen';

const session = (overrides: Partial<ConnectorSession>): ConnectorSession => ({
  session_id: 'primary_agent', state: 'waiting_for_qr', detail: null, qr_code: '2@abc,def,ghi', qr_expires_at: null,
  account_jid: null, history_progress: null, updated_at: null, ...overrides,
});

describe('pairing', () => {
  it('shows the QR code while waiting for a scan', () => {
    render(<PairingScreen session={session({})} onBrowse={vi.fn()} />);
    expect(screen.getByLabelText('WhatsApp pairing code')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toContain('Linked devices');
  });

  it('explains a logged-out device and shows the new code', () => {
    render(<PairingScreen session={session({ state: 'logged_out', detail: 'removed from phone', qr_code: '2@new' })} onBrowse={vi.fn()} />);
    expect(screen.getByRole('status').textContent).toContain('logged out');
    expect(screen.getByRole('status').textContent).toContain('removed from phone');
    expect(screen.getByLabelText('WhatsApp pairing code')).toBeTruthy();
  });

  it('decides when pairing is needed', () => {
    expect(needsPairing(session({}))).toBe(true);
    expect(needsPairing(session({ state: 'connected', qr_code: null, account_jid: '49@s.whatsapp.net' }))).toBe(false);
    expect(needsPairing(session({ state: 'offline', qr_code: null, account_jid: '49@s.whatsapp.net' }))).toBe(false);
    expect(needsPairing(session({ state: 'unknown', qr_code: null }))).toBe(true);
  });

  it('shows the offline reason and the history sync progress', () => {
    render(<ConnectionBanner session={session({ state: 'offline', detail: 'network down', qr_code: null, account_jid: 'x', history_progress: 42 })} />);
    expect(screen.getByText(/network down/)).toBeTruthy();
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('42');
  });
});
