import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { useAccountStore } from '@/stores/account-store';
import { useNavigationStore } from '@/stores/navigation-store';
import { HighlightedSnippet } from '@/features/search/components/highlighted-snippet';
import { SearchPanel } from '@/features/search/components/search-panel';
import { makeAccount, makeHit } from '@/testing/fixtures';
import { apiError, json, mockFetch } from '@/testing/mock-fetch';

describe('HighlightedSnippet', () => {
  it('renders <mark> as highlights and escaped HTML as inert text', () => {
    const snippet =
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; <mark>Treffen</mark> am <mark>Freitag</mark> &lt;img src=x onerror=alert(2)&gt;';
    const { container } = render(<HighlightedSnippet snippet={snippet} />);
    expect([...container.querySelectorAll('mark')].map((mark) => mark.textContent)).toEqual(['Treffen', 'Freitag']);
    expect(container.querySelector('script, img')).toBeNull();
    expect(container.textContent).toBe('<script>alert(1)</script> & Treffen am Freitag <img src=x onerror=alert(2)>');
  });

  it('does not turn escaped mark tags from the message into highlights', () => {
    const { container } = render(<HighlightedSnippet snippet={'&lt;mark&gt;fake&lt;/mark&gt; <mark>real</mark>'} />);
    expect([...container.querySelectorAll('mark')].map((mark) => mark.textContent)).toEqual(['real']);
    expect(container.textContent).toBe('<mark>fake</mark> real');
  });
});

describe('SearchPanel', () => {
  it('searches with the filters and jumps to a hit', async () => {
    const hit = makeHit({ chat_jid: '120363012345678901@g.us', id: 'HIT1', snippet: 'bis <mark>morgen</mark>' });
    const { calls } = mockFetch({ 'GET /api/search': () => json({ items: [hit], next_cursor: null }) });
    render(<SearchPanel currentChatJid="120363012345678901@g.us" />);
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search messages' }), 'morgen');
    await userEvent.click(screen.getByText('Filters'));
    await userEvent.click(screen.getByRole('button', { name: 'Only the open chat' }));
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Type' }), 'text');
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));
    const results = await screen.findByRole('listbox', { name: 'Search results' });
    expect(within(results).getByText('morgen').tagName).toBe('MARK');
    const query = calls.at(-1)?.url.searchParams;
    expect(query?.get('q')).toBe('morgen');
    expect(query?.get('chat')).toBe('120363012345678901@g.us');
    expect(query?.get('type')).toBe('text');
    expect(query?.has('sender')).toBe(false);
    await userEvent.click(within(results).getByRole('button'));
    expect(useNavigationStore.getState().jumpTarget).toMatchObject({
      chatJid: '120363012345678901@g.us',
      messageId: 'HIT1',
    });
    expect(useNavigationStore.getState().selectedChatJid).toBe('120363012345678901@g.us');
  });

  it('shows the empty state and the API error with its field', async () => {
    mockFetch({
      'GET /api/search': ({ url }) =>
        url.searchParams.get('q') === 'bad'
          ? apiError(422, 'invalid_request', 'bad date', 'from')
          : json({ items: [], next_cursor: null }),
    });
    render(<SearchPanel currentChatJid={null} />);
    const box = screen.getByRole('searchbox', { name: 'Search messages' });
    await userEvent.type(box, 'nothing{Enter}');
    expect(await screen.findByText('No message matches “nothing”.')).toBeTruthy();
    await userEvent.clear(box);
    await userEvent.type(box, 'bad{Enter}');
    expect((await screen.findByRole('alert')).textContent).toContain('bad date (from)');
  });

  it('appends the next page of hits with the keyset cursor until there is none', async () => {
    const { calls } = mockFetch({
      'GET /api/search': ({ url }) =>
        url.searchParams.get('cursor') === 'page2'
          ? json({ items: [makeHit({ id: 'H2', snippet: 'second <mark>page</mark>' })], next_cursor: null })
          : json({ items: [makeHit({ id: 'H1', snippet: 'first <mark>page</mark>' })], next_cursor: 'page2' }),
    });
    render(<SearchPanel currentChatJid={null} />);
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search messages' }), 'page{Enter}');
    const results = await screen.findByRole('listbox', { name: 'Search results' });
    expect(within(results).getAllByRole('option')).toHaveLength(1);
    await userEvent.click(screen.getByRole('button', { name: 'More results' }));
    await waitFor(() => expect(within(results).getAllByRole('option')).toHaveLength(2));
    expect(calls.at(-1)?.url.searchParams.get('cursor')).toBe('page2');
    expect(calls.at(-1)?.url.searchParams.get('q')).toBe('page');
    expect(screen.queryByRole('button', { name: 'More results' })).toBeNull();
  });

  it('searches all accounts: no account sent, each hit names its account, opening one shows that account', async () => {
    const hostile = '<img src=x onerror=alert(1)>Sales';
    useAccountStore.setState({
      accounts: [makeAccount('home', { display_name: 'Home' }), makeAccount('sales', { display_name: hostile })],
      current: 'home',
    });
    const { calls } = mockFetch({
      'GET /api/search': () =>
        json({
          items: [
            makeHit({ id: 'H1', account: 'home' }),
            makeHit({ id: 'S1', account: 'sales', chat_jid: '4917@s.whatsapp.net' }),
          ],
          next_cursor: null,
        }),
    });
    const { container } = render(<SearchPanel currentChatJid={null} />);
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Accounts to search' }), 'all accounts');
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search messages' }), 'you{Enter}');
    const results = await screen.findByRole('listbox', { name: 'Search results' });
    expect(calls.at(-1)?.url.searchParams.has('account')).toBe(false);
    const options = within(results).getAllByRole('option');
    expect(options.map((option) => option.querySelector('.account-tag')?.textContent)).toEqual(['Home', hostile]);
    expect(container.querySelector('img')).toBeNull();
    await userEvent.click(within(options[1] as HTMLElement).getByRole('button'));
    expect(useAccountStore.getState().current).toBe('sales');
    expect(useNavigationStore.getState().jumpTarget).toMatchObject({ chatJid: '4917@s.whatsapp.net', messageId: 'S1' });
  });

  it('searches the account shown unless asked otherwise, and offers no choice with one account', async () => {
    useAccountStore.setState({ accounts: [makeAccount('home'), makeAccount('sales')], current: 'sales' });
    const { calls } = mockFetch({
      'GET /api/search': () => json({ items: [makeHit({ account: 'sales' })], next_cursor: null }),
    });
    const { unmount } = render(<SearchPanel currentChatJid={null} />);
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search messages' }), 'you{Enter}');
    const results = await screen.findByRole('listbox', { name: 'Search results' });
    expect(calls.at(-1)?.url.searchParams.get('account')).toBe('sales');
    expect(results.querySelector('.account-tag')).toBeNull();
    unmount();
    useAccountStore.setState({ accounts: [makeAccount('home')], current: 'home' });
    render(<SearchPanel currentChatJid={null} />);
    expect(screen.queryByRole('combobox', { name: 'Accounts to search' })).toBeNull();
  });
});
