import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/api-client';
import { ConnectorBanner } from '@/features/pairing/components/connector-banner';
import { makeSession, unpairedSession } from '@/testing/fixtures';
import { json, mockFetch } from '@/testing/mock-fetch';

const banner = () => screen.getByRole('status');

describe('ConnectorBanner', () => {
  it('is an empty polite live region while all is well', () => {
    render(<ConnectorBanner session={makeSession()} error={null} onLink={vi.fn()} onRetry={vi.fn()} />);
    expect(banner().getAttribute('aria-live')).toBe('polite');
    expect(banner().textContent).toBe('');
  });

  it('offers "Link WhatsApp" when the device is not linked', async () => {
    const onLink = vi.fn();
    render(<ConnectorBanner session={unpairedSession()} error={null} onLink={onLink} onRetry={vi.fn()} />);
    expect(banner().textContent).toContain('WhatsApp is not linked');
    await userEvent.click(screen.getByRole('button', { name: 'Link WhatsApp' }));
    expect(onLink).toHaveBeenCalled();
  });

  it('names the offline reason and restarts the connector', async () => {
    const { calls } = mockFetch({ 'POST /api/connector/restart': () => json({ command: 'restart' }, 202) });
    const onRetry = vi.fn();
    render(
      <ConnectorBanner
        session={makeSession({ state: 'offline', detail: 'network down' })}
        error={null}
        onLink={vi.fn()}
        onRetry={onRetry}
      />,
    );
    expect(banner().textContent).toContain('offline (network down)');
    await userEvent.click(screen.getByRole('button', { name: 'Restart connector' }));
    expect(await screen.findByText(/Restart requested/)).toBeTruthy();
    expect(calls).toHaveLength(1);
    expect(onRetry).toHaveBeenCalled();
  });

  it('says a restart is under way, without actions', () => {
    render(
      <ConnectorBanner
        session={makeSession({ state: 'reconnecting' })}
        error={null}
        onLink={vi.fn()}
        onRetry={vi.fn()}
      />,
    );
    expect(banner().textContent).toContain('Reconnecting');
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('offers Retry when the status cannot be read', async () => {
    const onRetry = vi.fn();
    render(
      <ConnectorBanner
        session={null}
        error={new ApiError(503, { code: 'unavailable', message: 'redis down' })}
        onLink={vi.fn()}
        onRetry={onRetry}
      />,
    );
    expect(banner().textContent).toContain('redis down');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalled();
  });

  it('shows the history sync progress', () => {
    render(
      <ConnectorBanner
        session={makeSession({ history_progress: 42 })}
        error={null}
        onLink={vi.fn()}
        onRetry={vi.fn()}
      />,
    );
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('42');
  });
});
