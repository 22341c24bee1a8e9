import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { useAccountStore } from '@/stores/account-store';
import { useNavigationStore } from '@/stores/navigation-store';
import { AccountsPanel } from '@/features/accounts/components/accounts-panel';
import { makeAccount } from '@/testing/fixtures';
import { apiError, json, mockFetch, type RecordedCall } from '@/testing/mock-fetch';

const home = makeAccount('home', { display_name: 'Home', phone: '4915100000000' });
const sales = makeAccount('sales', { display_name: '<b onmouseover=alert(1)>Sales</b>' });

function withAccounts(...accounts: ReturnType<typeof makeAccount>[]) {
  useAccountStore.setState({ accounts, current: accounts[0]?.id ?? null });
}

const dryRun = {
  account: 'sales',
  dry_run: true,
  archive: { messages: 1200, chats: 3, contacts: 0 },
  session_store: { whatsmeow_device: 1 },
  media_objects: null,
  event_log_objects: null,
};

describe('AccountsPanel', () => {
  it('adds an account from its name, shows it and opens its pairing', async () => {
    withAccounts(home);
    const { calls } = mockFetch({
      'POST /api/accounts': (call: RecordedCall) =>
        json(
          makeAccount('support-line', {
            display_name: (call.body as { display_name: string }).display_name,
            connection: 'waiting_for_qr',
          }),
          201,
        ),
      'GET /api/accounts': () => json([home]),
    });
    render(<AccountsPanel />);
    const form = screen.getByRole('form', { name: 'Add account' });
    await userEvent.type(within(form).getByRole('textbox', { name: 'Name' }), 'Support Line');
    expect((within(form).getByRole('textbox', { name: 'Id' }) as HTMLInputElement).value).toBe('support-line');
    await userEvent.click(within(form).getByRole('button', { name: 'Add and link WhatsApp' }));
    await waitFor(() => expect(useAccountStore.getState().current).toBe('support-line'));
    expect(calls[0]?.body).toEqual({ id: 'support-line', display_name: 'Support Line' });
    expect(useNavigationStore.getState()).toMatchObject({ pairingOpen: true, view: 'chats' });
  });

  it('shows the API’s reason when the id is taken', async () => {
    withAccounts(home);
    mockFetch({ 'POST /api/accounts': () => apiError(409, 'conflict', "an account 'home' exists already", 'id') });
    render(<AccountsPanel />);
    const form = screen.getByRole('form', { name: 'Add account' });
    await userEvent.type(within(form).getByRole('textbox', { name: 'Name' }), 'Home');
    await userEvent.click(within(form).getByRole('button', { name: 'Add and link WhatsApp' }));
    expect((await screen.findByRole('alert')).textContent).toContain("an account 'home' exists already");
    expect(useAccountStore.getState().current).toBe('home');
  });

  it('renames an account and sets its tracking defaults', async () => {
    withAccounts(home, sales);
    let stored = home;
    const { calls } = mockFetch({
      'PATCH /api/accounts/home': (call) => json((stored = { ...stored, ...(call.body as object) })),
      'GET /api/accounts': () => json([home, sales]),
    });
    render(<AccountsPanel />);
    const card = screen.getByRole('region', { name: 'Account Home' });
    const name = within(card).getByRole('textbox', { name: 'Name' });
    await userEvent.clear(name);
    await userEvent.type(name, 'Family phone');
    await userEvent.click(within(card).getByRole('button', { name: 'Rename' }));
    await userEvent.selectOptions(within(card).getByRole('combobox', { name: 'New groups' }), 'not tracked');
    await waitFor(() => expect(calls.length).toBe(2));
    expect(calls.map((call) => call.body)).toEqual([{ display_name: 'Family phone' }, { track_groups: false }]);
    await waitFor(() => expect(useAccountStore.getState().accounts?.[0]?.display_name).toBe('Family phone'));
  });

  it('deletes only after the dry run’s counts and the id typed; hostile names stay text', async () => {
    withAccounts(home, sales);
    const { calls } = mockFetch({
      'DELETE /api/accounts/sales': (call) =>
        json({ ...dryRun, dry_run: call.url.searchParams.get('dry_run') === 'true' }),
      'PATCH /api/accounts/sales': () => json({ ...sales, state: 'paused' }),
      'GET /api/accounts': () => json([home]),
    });
    const { container } = render(<AccountsPanel />);
    expect(container.querySelector('b')).toBeNull();
    const card = screen.getByRole('region', { name: `Account ${sales.display_name}` });
    await userEvent.click(within(card).getByRole('button', { name: 'Delete…' }));
    const counts = await within(card).findByRole('list', { name: 'What the deletion removes' });
    expect(counts.textContent).toContain('1,203 archive rows (messages 1,200, chats 3)');
    expect(counts.textContent).toContain('1 session store rows');
    const confirm = within(card).getByRole('button', { name: `Delete ${sales.display_name}` }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await userEvent.type(within(card).getByRole('textbox', { name: /to confirm/ }), 'sale');
    expect(confirm.disabled).toBe(true);
    await userEvent.type(within(card).getByRole('textbox', { name: /to confirm/ }), 's');
    await userEvent.click(confirm);
    await waitFor(() => expect(useAccountStore.getState().accounts?.map((account) => account.id)).toEqual(['home']));
    const [, pause, remove] = calls;
    expect(pause).toMatchObject({ method: 'PATCH', body: { state: 'paused' } });
    expect(remove?.method).toBe('DELETE');
    expect(Object.fromEntries(remove?.url.searchParams ?? [])).toEqual({
      dry_run: 'false',
      confirm: 'sales',
      media: 'false',
      event_log: 'false',
    });
  });

  it('keeps the delete button off for the only account', () => {
    withAccounts(home);
    mockFetch({});
    render(<AccountsPanel />);
    expect((screen.getByRole('button', { name: 'Delete…' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
