import { describe, expect, it } from 'vitest';
import { mergeChats, mergeMessages } from '@/lib/live/merge';
import { makeChat, makeMessage } from '@/testing/fixtures';

const jids = (chats: { jid: string }[]) => chats.map((chat) => chat.jid);
const ids = (messages: { id: string }[]) => messages.map((message) => message.id);

describe('mergeChats', () => {
  const a = makeChat(1, { jid: 'a@s.whatsapp.net', name: 'Anna', last_message_at: 300 });
  const b = makeChat(2, { jid: 'b@s.whatsapp.net', name: 'Bob', last_message_at: 200 });
  const c = makeChat(3, { jid: 'c@s.whatsapp.net', name: 'Carla', last_message_at: 100 });

  it('moves a chat with a new message to the top and replaces its entry', () => {
    const bobNow = { ...b, last_message_at: 400 };
    const merged = mergeChats({ items: [a, b, c], complete: true, query: '' }, [
      { jid: b.jid, chat: bobNow, message_ids: ['m'] },
    ]);
    expect(jids(merged)).toEqual([b.jid, a.jid, c.jid]);
    expect(merged[0]).toBe(bobNow);
  });

  it('adds a new chat where it sorts, drops a chat no longer listed', () => {
    const newcomer = makeChat(4, { jid: 'd@s.whatsapp.net', name: 'David', last_message_at: 250 });
    const merged = mergeChats({ items: [a, b, c], complete: true, query: '' }, [
      { jid: newcomer.jid, chat: newcomer, message_ids: [] },
      { jid: c.jid, chat: null, message_ids: null },
    ]);
    expect(jids(merged)).toEqual([a.jid, newcomer.jid, b.jid]);
  });

  it('leaves a new chat past the loaded pages, or not matching the filter, to the next load', () => {
    const old = makeChat(5, { jid: 'e@s.whatsapp.net', name: 'Eve', last_message_at: 50 });
    expect(
      jids(mergeChats({ items: [a, b], complete: false, query: '' }, [{ jid: old.jid, chat: old, message_ids: [] }])),
    ).toEqual([a.jid, b.jid]);
    const top = { ...old, last_message_at: 900 };
    expect(
      jids(mergeChats({ items: [a], complete: true, query: 'ann' }, [{ jid: top.jid, chat: top, message_ids: [] }])),
    ).toEqual([a.jid]);
  });
});

describe('mergeMessages', () => {
  const m1 = makeMessage({ id: 'm1', timestamp: 100 });
  const m2 = makeMessage({ id: 'm2', timestamp: 200 });

  it('replaces a changed message and appends a new one at the end', () => {
    const edited = { ...m1, text: 'edited' };
    const m3 = makeMessage({ id: 'm3', timestamp: 300 });
    const merged = mergeMessages({ items: [m1, m2], hasOlder: true, hasNewer: false }, [edited, m3]);
    expect(ids(merged)).toEqual(['m1', 'm2', 'm3']);
    expect(merged[0]).toBe(edited);
  });

  it('leaves a new message outside the window to paging, and the list untouched', () => {
    const items = [m1, m2];
    const later = makeMessage({ id: 'm9', timestamp: 900 });
    const earlier = makeMessage({ id: 'm0', timestamp: 10 });
    expect(mergeMessages({ items, hasOlder: true, hasNewer: true }, [later, earlier])).toBe(items);
  });
});
