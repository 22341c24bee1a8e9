import type { FormEvent } from 'react';
import { MESSAGE_TYPES, type MessageType, type SearchHit } from '@/lib/api-types';
import { Empty, ErrorNotice, Loading } from '@/components/state-message';
import { formatListTime, jidLabel } from '@/lib/format';
import { useAccountStore } from '@/stores/account-store';
import { useNavigationStore } from '@/stores/navigation-store';
import { useSearchResults } from '@/features/search/api/use-search-results';
import { HighlightedSnippet } from '@/features/search/components/highlighted-snippet';
import { useSearchStore } from '@/features/search/stores/search-store';

function Hit({ hit, onOpen, showAccount }: { hit: SearchHit; onOpen: (hit: SearchHit) => void; showAccount: boolean }) {
  const account = useAccountStore((state) =>
    showAccount ? (state.accounts?.find((item) => item.id === hit.account)?.display_name ?? hit.account) : null,
  );
  const sender = hit.from_me ? 'You' : (hit.sender_name ?? (hit.sender_jid ? jidLabel(hit.sender_jid) : ''));
  return (
    <li role="option" aria-selected={false} tabIndex={-1} className="search-hit">
      <button type="button" onClick={() => onOpen(hit)}>
        <span className="search-hit-head">
          <span className="strong">{hit.chat_name ?? jidLabel(hit.chat_jid)}</span>
          <span className="muted small">{formatListTime(hit.timestamp)}</span>
        </span>
        <span className="muted small">
          {account !== null && <span className="tag account-tag">{account}</span>}
          {sender}
        </span>
        <HighlightedSnippet snippet={hit.snippet} />
      </button>
    </li>
  );
}

function Results() {
  const submitted = useSearchStore((state) => state.submitted);
  const jumpTo = useNavigationStore((state) => state.jumpTo);
  const shownAccount = useAccountStore((state) => state.current);
  const choose = useAccountStore((state) => state.choose);
  const results = useSearchResults(submitted);
  // A hit of another account shows that account first (its chat is there).
  const open = (hit: SearchHit) => {
    if (shownAccount !== null && hit.account !== shownAccount) choose(hit.account);
    jumpTo(hit.chat_jid, hit.id);
  };
  if (!submitted) return <Empty>Search every archived message: words, &quot;a phrase&quot;, -excluded.</Empty>;
  if (results.error) return <ErrorNotice error={results.error} onRetry={results.reload} />;
  if (results.loading || !results.items) return <Loading label="Searching…" />;
  if (results.items.length === 0) return <Empty>No message matches “{submitted.q}”.</Empty>;
  return (
    <>
      <ul className="search-results" role="listbox" aria-label="Search results">
        {results.items.map((hit) => (
          <Hit
            key={`${hit.account}/${hit.chat_jid}/${hit.id}`}
            hit={hit}
            onOpen={open}
            showAccount={submitted.filters.accounts === 'all'}
          />
        ))}
      </ul>
      {results.moreError ? <ErrorNotice error={results.moreError} onRetry={results.loadMore} /> : null}
      {results.hasMore && !results.moreError && (
        <button type="button" className="ghost load-more" onClick={results.loadMore} disabled={results.loadingMore}>
          {results.loadingMore ? 'Loading…' : 'More results'}
        </button>
      )}
    </>
  );
}

/** Which accounts to search, while there are several. */
function AccountScope() {
  const several = useAccountStore((state) => (state.accounts?.length ?? 0) > 1);
  const scope = useSearchStore((state) => state.filters.accounts);
  const setFilter = useSearchStore((state) => state.setFilter);
  if (!several) return null;
  return (
    <label className="account-scope">
      In
      <select
        aria-label="Accounts to search"
        value={scope}
        onChange={(event) => setFilter('accounts', event.target.value as 'shown' | 'all')}
      >
        <option value="shown">this account</option>
        <option value="all">all accounts</option>
      </select>
    </label>
  );
}

export function SearchPanel({ currentChatJid }: { currentChatJid: string | null }) {
  const { draft, filters, setDraft, setFilter, submit } = useSearchStore();
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    submit();
  }
  return (
    <section className="search-panel" aria-label="Search">
      <form role="search" onSubmit={onSubmit} className="search-form">
        <input
          type="search"
          aria-label="Search messages"
          placeholder="Search messages"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
        />
        <AccountScope />
        <details>
          <summary>Filters</summary>
          <label>
            Chat (JID)
            <input
              value={filters.chat}
              onChange={(event) => setFilter('chat', event.target.value)}
              placeholder="any chat"
            />
          </label>
          {currentChatJid && (
            <button type="button" className="link-button" onClick={() => setFilter('chat', currentChatJid)}>
              Only the open chat
            </button>
          )}
          <label>
            Sender (JID)
            <input
              value={filters.sender}
              onChange={(event) => setFilter('sender', event.target.value)}
              placeholder="anyone"
            />
          </label>
          <label>
            From
            <input type="date" value={filters.from} onChange={(event) => setFilter('from', event.target.value)} />
          </label>
          <label>
            To
            <input type="date" value={filters.to} onChange={(event) => setFilter('to', event.target.value)} />
          </label>
          <label>
            Type
            <select
              value={filters.type}
              onChange={(event) => setFilter('type', event.target.value as MessageType | '')}
            >
              <option value="">any</option>
              {MESSAGE_TYPES.map((type) => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </select>
          </label>
        </details>
        <button type="submit" className="primary" disabled={!draft.trim()}>
          Search
        </button>
      </form>
      <Results />
    </section>
  );
}
