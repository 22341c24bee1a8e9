import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { checkPhone } from '@/features/pairing/api/connector-api';
import { needsPairing, pairingIsLanding } from '@/features/pairing/api/session-api';
import { PairingScreen } from '@/features/pairing/components/pairing-screen';
import { makeSession, unpairedSession } from '@/testing/fixtures';
import { apiError, json, mockFetch } from '@/testing/mock-fetch';

describe('PairingScreen', () => {
  it('shows the QR code while waiting for a scan', () => {
    render(<PairingScreen session={unpairedSession()} onBrowse={vi.fn()} />);
    expect(screen.getByLabelText('WhatsApp pairing code')).toBeTruthy();
    expect(screen.getAllByRole('status')[0]?.textContent).toContain('Linked devices');
    expect(screen.getByRole('button', { name: 'QR code' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('explains a logged-out device and shows the new code', () => {
    render(
      <PairingScreen
        session={unpairedSession({ state: 'logged_out', detail: 'removed from phone', qr_code: '2@new' })}
      />,
    );
    const status = screen.getAllByRole('status')[0];
    expect(status?.textContent).toContain('logged out');
    expect(status?.textContent).toContain('removed from phone');
    expect(screen.getByLabelText('WhatsApp pairing code')).toBeTruthy();
  });

  it('asks the connector for a new QR code', async () => {
    const { calls } = mockFetch({ 'POST /api/connector/new-code': () => json({ command: 'new_code' }, 202) });
    const onChanged = vi.fn();
    render(<PairingScreen session={unpairedSession()} onChanged={onChanged} />);
    await userEvent.click(screen.getByRole('button', { name: 'New QR code' }));
    expect(await screen.findByText('A new code was requested.')).toBeTruthy();
    expect(calls.map((call) => `${call.method} ${call.url.pathname}`)).toEqual(['POST /api/connector/new-code']);
    expect(onChanged).toHaveBeenCalled();
  });

  it('refuses a malformed phone number before sending it', async () => {
    const { calls } = mockFetch({});
    render(<PairingScreen session={unpairedSession()} />);
    await userEvent.click(screen.getByRole('button', { name: 'Link with phone number' }));
    const input = screen.getByLabelText('Phone number of the WhatsApp account');
    await userEvent.click(screen.getByRole('button', { name: 'Get code' }));
    expect(screen.getByRole('alert').textContent).toContain('Enter the phone number');
    await userEvent.type(input, '0151 1234567');
    await userEvent.click(screen.getByRole('button', { name: 'Get code' }));
    expect(screen.getByRole('alert').textContent).toContain('country code');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(calls).toHaveLength(0);
  });

  it('sends the number, waits for the code, then shows it big with the steps on the phone', async () => {
    const { calls } = mockFetch({ 'POST /api/connector/pair-phone': () => json({ command: 'pair_phone' }, 202) });
    const onChanged = vi.fn();
    const { rerender } = render(<PairingScreen session={unpairedSession()} onChanged={onChanged} />);
    await userEvent.click(screen.getByRole('button', { name: 'Link with phone number' }));
    await userEvent.type(screen.getByLabelText('Phone number of the WhatsApp account'), '+49 151 1234 5678');
    await userEvent.click(screen.getByRole('button', { name: 'Get code' }));
    expect(await screen.findByText('Waiting for the code from WhatsApp…')).toBeTruthy();
    expect(calls[0]?.body).toEqual({ phone: '+4915112345678' });
    expect(onChanged).toHaveBeenCalled();

    const expires = new Date(Date.now() + 3 * 60_000).toISOString();
    rerender(
      <PairingScreen
        session={unpairedSession({ pair_code: 'ABCD-EFGH', pair_code_expires_at: expires })}
        onChanged={onChanged}
      />,
    );
    const code = screen.getByLabelText('Your code');
    expect(code.textContent).toBe('ABCD-EFGH');
    expect(code.className).toContain('pair-code');
    expect(screen.getByText(/Link with phone number instead → enter/).textContent).toContain('ABCD-EFGH');
    expect(screen.getByText(/Valid until/)).toBeTruthy();
  });

  it('copies the code', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    render(<PairingScreen session={unpairedSession({ pair_code: 'ABCD-EFGH' })} />);
    // a code waiting on the phone opens on the phone-number method
    await userEvent.click(screen.getByRole('button', { name: 'Copy code' }));
    expect(writeText).toHaveBeenCalledWith('ABCD-EFGH');
    expect(await screen.findByText('Copied.')).toBeTruthy();
  });

  it("shows the API's refusal of a number", async () => {
    mockFetch({
      'POST /api/connector/pair-phone': () =>
        apiError(400, 'invalid_request', 'not a phone number WhatsApp knows', 'phone'),
    });
    render(<PairingScreen session={unpairedSession()} />);
    await userEvent.click(screen.getByRole('button', { name: 'Link with phone number' }));
    await userEvent.type(screen.getByLabelText('Phone number of the WhatsApp account'), '+1 555 0100');
    await userEvent.click(screen.getByRole('button', { name: 'Get code' }));
    expect((await screen.findByRole('alert')).textContent).toContain('not a phone number WhatsApp knows');
  });

  it('is a dialog above the archive that Escape and ✕ close', async () => {
    const onClose = vi.fn();
    render(<PairingScreen session={unpairedSession()} onClose={onClose} />);
    const dialog = screen.getByRole('dialog', { name: 'Link WhatsApp' });
    await waitFor(() => expect(document.activeElement).toBe(dialog));
    await userEvent.keyboard('{Escape}');
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalledTimes(2);
  });

  it('offers the controls of a linked device and no code', () => {
    render(<PairingScreen session={makeSession()} onClose={vi.fn()} />);
    expect(screen.queryByLabelText('WhatsApp pairing code')).toBeNull();
    expect(screen.getByText(/Linked account: 4915100000000/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Restart connector' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Log out this device…' })).toBeTruthy();
    act(() => screen.getByRole('button', { name: 'Back to the archive' }).click());
  });
});

describe('pairing rules', () => {
  it('decides when pairing is needed', () => {
    expect(needsPairing(unpairedSession())).toBe(true);
    expect(needsPairing(makeSession())).toBe(false);
    expect(needsPairing(makeSession({ state: 'offline' }))).toBe(false);
    expect(needsPairing(makeSession({ state: 'unknown', account_jid: null }))).toBe(true);
    expect(needsPairing(makeSession({ state: 'starting', account_jid: null, pair_code: 'ABCD-EFGH' }))).toBe(true);
  });

  it('lands on pairing only while nothing is archived', () => {
    expect(pairingIsLanding(unpairedSession({ has_archive: false }))).toBe(true);
    expect(pairingIsLanding(unpairedSession({ has_archive: true }))).toBe(false);
    expect(pairingIsLanding(makeSession({ has_archive: false }))).toBe(false);
    const older = { ...unpairedSession() } as Partial<ReturnType<typeof unpairedSession>>;
    delete older.has_archive;
    expect(pairingIsLanding(older as ReturnType<typeof unpairedSession>)).toBe(false);
  });

  it('checks phone numbers', () => {
    expect(checkPhone('+49 (151) 1234-5678')).toEqual({ phone: '+4915112345678' });
    expect(checkPhone('0049 151 12345678')).toEqual({ phone: '+4915112345678' });
    expect(checkPhone('49 151 12345678')).toEqual({ phone: '+4915112345678' });
    expect(checkPhone('+49 151 abc')).toHaveProperty('error');
    expect(checkPhone('+12345')).toHaveProperty('error');
    expect(checkPhone('+1234567890123456')).toHaveProperty('error');
    expect(checkPhone('+49+151')).toHaveProperty('error');
  });
});
