import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { TrackingItem } from '@/lib/api-types';
import { BULK_CONCURRENCY } from '@/features/admin/api/use-tracking';
import { AdminPanel } from '@/features/admin/components/admin-panel';
import { makeTracking } from '@/testing/fixtures';
import { apiError, json, mockFetch } from '@/testing/mock-fetch';

const items = [
  makeTracking(1, { name: 'Family' }),
  makeTracking(2, { name: 'Neighbours', is_tracked: false }),
  makeTracking(3, { jid: '4915112345678@s.whatsapp.net', name: 'Anna', kind: 'direct', auto_download_media: true }),
];

function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

const trackSwitch = (name: string) => screen.getByRole('switch', { name: `Track ${name}` }) as HTMLInputElement;

describe('AdminPanel', () => {
  it('lists every chat with counts', async () => {
    mockFetch({ 'GET /api/tracking': () => json(items) });
    render(<AdminPanel />);
    expect(await screen.findByText('Family')).toBeTruthy();
    expect(screen.getByText('3 chats · 2 tracked · 1 untracked · 1 auto-download')).toBeTruthy();
  });

  it('flips a toggle at once and keeps it when the PATCH succeeds', async () => {
    const reply = deferred<Response>();
    const { calls } = mockFetch({
      'GET /api/tracking': () => json(items),
      'PATCH /api/tracking/120363000000001@g.us': () => reply.promise,
    });
    render(<AdminPanel />);
    await screen.findByText('Family');
    await userEvent.click(trackSwitch('Family'));
    expect(trackSwitch('Family').checked).toBe(false);
    expect(trackSwitch('Family').disabled).toBe(true);
    expect(calls.at(-1)?.body).toEqual({ is_tracked: false });
    reply.resolve(json({ ...items[0], is_tracked: false }));
    await waitFor(() => expect(trackSwitch('Family').disabled).toBe(false));
    expect(trackSwitch('Family').checked).toBe(false);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('rolls the toggle back and reports the error when the PATCH fails', async () => {
    mockFetch({
      'GET /api/tracking': () => json(items),
      'PATCH /api/tracking/4915112345678@s.whatsapp.net': () => apiError(404, 'not_found', 'no such chat'),
    });
    render(<AdminPanel />);
    await screen.findByText('Anna');
    const auto = screen.getByRole('switch', { name: 'Auto-download media of Anna' }) as HTMLInputElement;
    await userEvent.click(auto);
    expect((await screen.findByRole('alert')).textContent).toContain('no such chat');
    expect((screen.getByRole('switch', { name: 'Auto-download media of Anna' }) as HTMLInputElement).checked).toBe(
      true,
    );
  });

  it('filters by kind and state', async () => {
    mockFetch({ 'GET /api/tracking': () => json(items) });
    render(<AdminPanel />);
    await screen.findByText('Family');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Kind' }), 'direct');
    expect(screen.queryByText('Family')).toBeNull();
    expect(screen.getByText('Anna')).toBeTruthy();
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Kind' }), 'all');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'State' }), 'untracked');
    const rows = within(screen.getByRole('rowgroup')).getAllByRole('row');
    expect(rows).toHaveLength(1);
    expect(within(rows[0] as HTMLElement).getByText('Neighbours')).toBeTruthy();
  });

  it('bulk-tracks only the shown chats that differ', async () => {
    const patched: string[] = [];
    const patch = ({ url, body }: { url: URL; body: unknown }) => {
      const jid = decodeURIComponent(url.pathname.split('/').pop() ?? '');
      patched.push(jid);
      const item = items.find((candidate) => candidate.jid === jid) as TrackingItem;
      return json({ ...item, ...(body as object) });
    };
    mockFetch({
      'GET /api/tracking': () => json(items),
      'PATCH /api/tracking/120363000000002@g.us': patch,
    });
    render(<AdminPanel />);
    await screen.findByText('Family');
    await userEvent.click(screen.getByRole('button', { name: 'Track all' }));
    await waitFor(() => expect(trackSwitch('Neighbours').checked).toBe(true));
    expect(patched).toEqual(['120363000000002@g.us']);
    expect(screen.getByText('3 chats · 3 tracked · 0 untracked · 1 auto-download')).toBeTruthy();
  });

  it('bulk-untracks many chats with a bounded number of PATCHes in flight', async () => {
    const many = Array.from({ length: 20 }, (_, n) => makeTracking(n + 10, { name: `Club ${n}` }));
    let inFlight = 0;
    let peak = 0;
    const patch = async ({ url, body }: { url: URL; body: unknown }) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      const jid = decodeURIComponent(url.pathname.split('/').pop() ?? '');
      return json({ ...many.find((item) => item.jid === jid), ...(body as object) });
    };
    const { calls } = mockFetch({
      'GET /api/tracking': () => json(many),
      ...Object.fromEntries(many.map((item) => [`PATCH /api/tracking/${item.jid}`, patch])),
    });
    render(<AdminPanel />);
    await screen.findByText('Club 0');
    await userEvent.click(screen.getByRole('button', { name: 'Untrack all' }));
    await waitFor(() => expect(screen.getByText('20 chats · 0 tracked · 20 untracked · 0 auto-download')).toBeTruthy());
    await waitFor(() => expect(calls.filter((call) => call.method === 'PATCH')).toHaveLength(20));
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(BULK_CONCURRENCY);
  });
});

describe('AdminPanel held history', () => {
  const held =
    (replays = {}) =>
    () =>
      json({ retention_days: 30, replays });

  it('says how long untracked chats are held and forgets them all', async () => {
    const { calls } = mockFetch({
      'GET /api/tracking': () => json(items),
      'GET /api/tracking/held': held(),
      'DELETE /api/tracking/held': () => json({ deleted: 4 }),
    });
    render(<AdminPanel />);
    expect(await screen.findByText(/held for 30 days/)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Forget now (all chats)' }));
    expect((await screen.findByRole('status')).textContent).toBe('Forgotten: 4 held batches.');
    expect(calls.some((call) => call.method === 'DELETE' && call.url.pathname === '/api/tracking/held')).toBe(true);
  });

  it('forgets one untracked chat from its row, and offers it on untracked rows only', async () => {
    mockFetch({
      'GET /api/tracking': () => json(items),
      'GET /api/tracking/held': held(),
      'DELETE /api/tracking/120363000000002@g.us/held': () => json({ deleted: 1 }),
    });
    render(<AdminPanel />);
    await screen.findByText(/held for 30 days/);
    expect(screen.queryByRole('button', { name: 'Forget the held history of Family' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Forget the held history of Neighbours' }));
    expect((await screen.findByRole('status')).textContent).toBe('Forgotten: 1 held batch of 120363000000002@g.us.');
  });

  it('shows the replay of a chat just tracked', async () => {
    let replays = {};
    mockFetch({
      'GET /api/tracking': () => json(items),
      'GET /api/tracking/held': () => held(replays)(),
      'PATCH /api/tracking/120363000000002@g.us': () => {
        replays = { '120363000000002@g.us': { state: 'done', batches: 3 } };
        return json({ ...items[1], is_tracked: true });
      },
    });
    render(<AdminPanel />);
    await screen.findByText(/held for 30 days/);
    await userEvent.click(trackSwitch('Neighbours'));
    expect(await screen.findByText('120363000000002@g.us: history restored (3 batches)')).toBeTruthy();
  });

  it('says nothing is held when the retention is 0, and shows no Forget', async () => {
    mockFetch({
      'GET /api/tracking': () => json(items),
      'GET /api/tracking/held': () => json({ retention_days: 0, replays: {} }),
    });
    render(<AdminPanel />);
    expect(await screen.findByText(/Untracked chats are not held/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Forget/ })).toBeNull();
  });
});
