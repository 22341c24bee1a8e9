import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ConnectorControls } from '@/features/pairing/components/connector-controls';
import { makeSession, unpairedSession } from '@/testing/fixtures';
import { apiError, json, mockFetch } from '@/testing/mock-fetch';

describe('ConnectorControls', () => {
  it('asks before it logs the device out, and Cancel sends nothing', async () => {
    const { calls } = mockFetch({ 'POST /api/connector/logout': () => json({ command: 'logout' }, 202) });
    render(<ConnectorControls session={makeSession()} />);
    await userEvent.click(screen.getByRole('button', { name: 'Log out this device…' }));
    expect(screen.getByRole('group', { name: /Log this device out of WhatsApp\?/ })).toBeTruthy();
    expect(calls).toHaveLength(0);
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('button', { name: 'Log out' })).toBeNull();
    expect(calls).toHaveLength(0);
  });

  it('logs the device out once confirmed', async () => {
    const { calls } = mockFetch({ 'POST /api/connector/logout': () => json({ command: 'logout' }, 202) });
    const onChanged = vi.fn();
    render(<ConnectorControls session={makeSession()} onChanged={onChanged} />);
    await userEvent.click(screen.getByRole('button', { name: 'Log out this device…' }));
    await userEvent.click(screen.getByRole('button', { name: 'Log out' }));
    expect(await screen.findByText(/This device was logged out/)).toBeTruthy();
    expect(calls.map((call) => `${call.method} ${call.url.pathname}`)).toEqual(['POST /api/connector/logout']);
    expect(onChanged).toHaveBeenCalledTimes(1);
  });

  it('restarts the connector and says so', async () => {
    const { calls } = mockFetch({ 'POST /api/connector/restart': () => json({ command: 'restart' }, 202) });
    render(<ConnectorControls session={makeSession({ state: 'offline' })} />);
    await userEvent.click(screen.getByRole('button', { name: 'Restart connector' }));
    expect(await screen.findByText('Restart requested.')).toBeTruthy();
    expect(calls).toHaveLength(1);
  });

  it('offers a new QR code only while unpaired, and reports a refusal', async () => {
    mockFetch({ 'POST /api/connector/new-code': () => apiError(409, 'conflict', 'already paired') });
    const { rerender } = render(<ConnectorControls session={makeSession()} />);
    expect(screen.queryByRole('button', { name: 'New QR code' })).toBeNull();
    rerender(<ConnectorControls session={unpairedSession()} />);
    expect(screen.queryByRole('button', { name: 'Log out this device…' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'New QR code' }));
    expect(await screen.findByText('Not now: already paired')).toBeTruthy();
  });
});
