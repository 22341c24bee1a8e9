import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatWindow } from '@/features/messages/components/chat-window';
import { makeMessage } from '@/testing/fixtures';
import { json, mockFetch } from '@/testing/mock-fetch';

const JID = '120363012345678901@g.us';
const MINUTE = 60_000;

const page = (from: number, count: number, hasOlder: boolean) => ({
  items: Array.from({ length: count }, (_, n) =>
    makeMessage({
      id: `M${from + n}`,
      text: `message ${from + n}`,
      timestamp: Date.UTC(2025, 10, 1) + (from + n) * MINUTE,
    }),
  ),
  older_cursor: hasOlder ? `before-${from}` : null,
  newer_cursor: null,
  has_older: hasOlder,
  has_newer: false,
});

function serveMessages() {
  return mockFetch({
    [`GET /api/chats/${JID}/messages`]: (call) =>
      json(call.url.searchParams.get('before') ? page(50, 50, true) : page(100, 50, true)),
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const olderRequests = (calls: { url: URL }[]) => calls.filter((call) => call.url.searchParams.has('before'));

// jsdom has no layout: give the message list a viewport and a scroll position that remembers.
const scrollTops = new WeakMap<Element, number>();
const scrollTop = Object.getOwnPropertyDescriptor(Element.prototype, 'scrollTop');
const clientHeight = Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight');
const scrollTo = Object.getOwnPropertyDescriptor(Element.prototype, 'scrollTo');
beforeEach(() => {
  Object.defineProperty(Element.prototype, 'scrollTo', {
    configurable: true,
    value(this: Element, options: ScrollToOptions) {
      if (options.top !== undefined) this.scrollTop = options.top;
    },
  });
  Object.defineProperty(Element.prototype, 'scrollTop', {
    configurable: true,
    get(this: Element) {
      return scrollTops.get(this) ?? 0;
    },
    set(this: Element, value: number) {
      scrollTops.set(this, Math.max(0, value));
    },
  });
  Object.defineProperty(Element.prototype, 'clientHeight', {
    configurable: true,
    get(this: Element) {
      return this.classList.contains('message-list') ? 700 : 0;
    },
  });
});
afterEach(() => {
  if (scrollTop) Object.defineProperty(Element.prototype, 'scrollTop', scrollTop);
  if (clientHeight) Object.defineProperty(Element.prototype, 'clientHeight', clientHeight);
  if (scrollTo) Object.defineProperty(Element.prototype, 'scrollTo', scrollTo);
});

describe('ChatWindow', () => {
  it('loads only the newest page when a chat opens', async () => {
    const { calls } = serveMessages();
    render(<ChatWindow jid={JID} kind="group" />);
    await screen.findByRole('list', { name: 'Messages' });
    await pause(100); // measurements and a re-layout happen after the first paint
    expect(calls.filter((call) => call.url.pathname.endsWith('/messages'))).toHaveLength(1);
    expect(olderRequests(calls)).toHaveLength(0);
  });

  it('loads one older page when the reader scrolls to the top', async () => {
    const { calls } = serveMessages();
    render(<ChatWindow jid={JID} kind="group" />);
    const list = await screen.findByRole('list', { name: 'Messages' });
    await pause(50);
    for (const top of [2000, 0]) {
      list.scrollTop = top; // the reader scrolls down, then back to the top
      fireEvent.scroll(list);
      await pause(20);
    }
    await waitFor(() => expect(olderRequests(calls)).toHaveLength(1));
    expect(olderRequests(calls)[0]?.url.searchParams.get('before')).toBe('before-100');
    await pause(100);
    expect(olderRequests(calls)).toHaveLength(1);
  });
});
