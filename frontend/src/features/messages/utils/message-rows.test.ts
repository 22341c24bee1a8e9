import { describe, expect, it } from 'vitest';
import { dayKey, formatDay } from '@/lib/format';
import { buildRows, estimateRowHeight, type MessageRow } from '@/features/messages/utils/message-rows';
import { makeMedia, makeMessage } from '@/testing/fixtures';

const DAY1 = new Date(2025, 10, 24, 9, 0, 0).getTime();
const DAY2 = new Date(2025, 10, 25, 9, 0, 0).getTime();
const ANNA = '491111@s.whatsapp.net';
const BOB = '492222@s.whatsapp.net';

const shape = (rows: MessageRow[]) =>
  rows.map((row) => (row.kind === 'day' ? `day ${row.label}` : `${row.message.id}${row.showSender ? ' +sender' : ''}`));

describe('buildRows', () => {
  it('puts a day separator before the first message of each day, keyed by the local day', () => {
    const rows = buildRows(
      [
        makeMessage({ id: 'a', timestamp: DAY1 }),
        makeMessage({ id: 'b', timestamp: DAY1 + 60_000 }),
        makeMessage({ id: 'c', timestamp: DAY2 }),
      ],
      false,
    );
    expect(shape(rows)).toEqual([`day ${formatDay(DAY1)}`, 'a', 'b', `day ${formatDay(DAY2)}`, 'c']);
    expect(rows[0]?.key).toBe(`day:${dayKey(DAY1)}`);
    expect(rows[1]?.key).toBe('msg:a');
  });

  it('in a group, names the sender on the first message of a run, and again after a new day', () => {
    const rows = buildRows(
      [
        makeMessage({ id: 'a1', sender_jid: ANNA, timestamp: DAY1 }),
        makeMessage({ id: 'a2', sender_jid: ANNA, timestamp: DAY1 + 1 }),
        makeMessage({ id: 'b1', sender_jid: BOB, timestamp: DAY1 + 2 }),
        makeMessage({ id: 'a3', sender_jid: ANNA, timestamp: DAY1 + 3 }),
        makeMessage({ id: 'a4', sender_jid: ANNA, timestamp: DAY2 }),
      ],
      true,
    );
    expect(shape(rows).filter((row) => !row.startsWith('day'))).toEqual([
      'a1 +sender',
      'a2',
      'b1 +sender',
      'a3 +sender',
      'a4 +sender',
    ]);
  });

  it('never names the sender of my own messages, nor anyone outside a group', () => {
    const mine = [makeMessage({ id: 'm1', from_me: true }), makeMessage({ id: 'm2', from_me: true })];
    expect(shape(buildRows(mine, true)).slice(1)).toEqual(['m1', 'm2']);
    const direct = [makeMessage({ id: 'd1', sender_jid: ANNA }), makeMessage({ id: 'd2', sender_jid: BOB })];
    expect(shape(buildRows(direct, false)).slice(1)).toEqual(['d1', 'd2']);
  });

  it('treats the same JID from me and from someone else as two senders', () => {
    const rows = buildRows(
      [makeMessage({ id: 'x', sender_jid: ANNA, from_me: true }), makeMessage({ id: 'y', sender_jid: ANNA })],
      true,
    );
    expect(shape(rows).slice(1)).toEqual(['x', 'y +sender']);
  });

  it('is empty for no messages', () => {
    expect(buildRows([], true)).toEqual([]);
  });
});

describe('estimateRowHeight', () => {
  const row = (overrides: Parameters<typeof makeMessage>[0], showSender = false): MessageRow => ({
    kind: 'message',
    key: 'k',
    message: makeMessage(overrides),
    showSender,
  });

  it('gives a day separator a fixed height', () => {
    expect(estimateRowHeight({ kind: 'day', key: 'd', label: 'Monday' })).toBe(40);
  });

  it('grows with the lines of text, wrapping long lines', () => {
    const one = estimateRowHeight(row({ text: 'short' }));
    expect(estimateRowHeight(row({ text: 'short\nsecond line' }))).toBe(one + 20);
    expect(estimateRowHeight(row({ text: 'x'.repeat(43) }))).toBe(one + 20);
    expect(estimateRowHeight(row({ text: null }))).toBe(one - 20);
  });

  it('adds room for the sender name, a quote and reactions', () => {
    const plain = estimateRowHeight(row({}));
    expect(estimateRowHeight(row({}, true))).toBe(plain + 18);
    expect(estimateRowHeight(row({ quoted: { id: 'q', sender_jid: null, text: 'q', type: 'text' } }))).toBe(plain + 54);
    expect(estimateRowHeight(row({ reactions: [{ reactor_jid: ANNA, emoji: '👍', reacted_at: DAY1 }] }))).toBe(
      plain + 28,
    );
  });

  it('sizes an image by its aspect ratio, with a floor, and a placeholder without a picture', () => {
    const text = estimateRowHeight(row({ text: null }));
    const wide = row({ type: 'image', text: null, media: makeMedia({ width: 800, height: 200 }) });
    expect(estimateRowHeight(wide)).toBe(text + 80 + 6);
    const square = row({ type: 'image', text: null, media: makeMedia({ width: 100, height: 100 }) });
    expect(estimateRowHeight(square)).toBe(text + 150 + 6);
    const missing = row({ type: 'image', text: null, media: makeMedia({ url: null, thumbnail_url: null }) });
    expect(estimateRowHeight(missing)).toBe(text + 36);
  });

  it('ignores the text of locations, contacts and polls, and all but a stub of a deleted message', () => {
    const base = estimateRowHeight(row({ text: null }));
    expect(estimateRowHeight(row({ type: 'poll', text: 'long question\nwith lines' }))).toBe(base + 140);
    expect(estimateRowHeight(row({ type: 'location', text: 'somewhere' }))).toBe(base + 96);
    expect(estimateRowHeight(row({ deleted_at: DAY1, text: 'gone', type: 'image', media: makeMedia() }))).toBe(46 + 28);
  });
});
