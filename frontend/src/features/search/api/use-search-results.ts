import { useCallback, useRef, useState } from 'react';
import type { SearchHit } from '@/lib/api-types';
import { useRemote } from '@/lib/use-remote';
import { searchMessages, type SearchParams } from '@/features/search/api/search-api';
import type { SearchFilters } from '@/features/search/stores/search-store';

export interface SubmittedSearch {
  q: string;
  filters: SearchFilters;
}

interface MorePages {
  key: string;
  items: SearchHit[];
  cursor: string | null;
  busy: boolean;
  error: unknown;
}

export interface SearchResults {
  items: SearchHit[] | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  hasMore: boolean;
  loadingMore: boolean;
  moreError: unknown;
  loadMore: () => void;
}

const paramsOf = ({ q, filters }: SubmittedSearch): SearchParams => ({
  q,
  chat: filters.chat,
  sender: filters.sender,
  from: filters.from,
  to: filters.to,
  type: filters.type || null,
  ...(filters.accounts === 'all' ? { account: null } : {}),
});

/** The first page of hits for the submitted search, then further pages on demand (keyset cursor). */
export function useSearchResults(submitted: SubmittedSearch | null): SearchResults {
  const key = submitted ? JSON.stringify(submitted) : null;
  const first = useRemote(key, (signal) => searchMessages(submitted ? paramsOf(submitted) : { q: '' }, signal));
  const [stored, setMore] = useState<MorePages | null>(null);
  const more = stored !== null && stored.key === key ? stored : null;
  const cursor = more ? more.cursor : (first.data?.next_cursor ?? null);
  const inFlight = useRef(false);

  const loadMore = useCallback(() => {
    if (!submitted || key === null || !cursor || inFlight.current) return;
    inFlight.current = true;
    const settle = (update: (base: MorePages) => MorePages) =>
      setMore((previous) => (previous?.key === key ? update(previous) : previous));
    setMore((previous) => ({
      ...(previous?.key === key ? previous : { key, items: [], cursor }),
      busy: true,
      error: null,
    }));
    searchMessages({ ...paramsOf(submitted), cursor })
      .finally(() => {
        inFlight.current = false;
      })
      .then(
        (page) =>
          settle((base) => ({ ...base, items: [...base.items, ...page.items], cursor: page.next_cursor, busy: false })),
        (error: unknown) => settle((base) => ({ ...base, busy: false, error })),
      );
  }, [submitted, key, cursor]);

  return {
    items: first.data ? [...first.data.items, ...(more?.items ?? [])] : undefined,
    error: first.error,
    loading: first.loading,
    reload: first.reload,
    hasMore: cursor !== null,
    loadingMore: more?.busy ?? false,
    moreError: more?.error ?? null,
    loadMore,
  };
}
