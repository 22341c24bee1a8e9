import type { Chat, Message } from '@/lib/api-types';
import type { ChangedChat } from '@/lib/live/changes-api';

/** The chat list's order: pinned chats first, then newest activity first, chats without a
 * message last, then by JID. */
function chatOrder(a: Chat, b: Chat): number {
  if (a.is_pinned !== b.is_pinned) return a.is_pinned ? -1 : 1;
  const byTime = (b.last_message_at ?? -1) - (a.last_message_at ?? -1);
  if (byTime !== 0) return byTime;
  return a.jid < b.jid ? -1 : a.jid > b.jid ? 1 : 0;
}

export interface ChatListView {
  items: Chat[];
  /** Every page is loaded (a new chat may go anywhere); otherwise only before the last loaded one. */
  complete: boolean;
  /** The name filter typed; a new chat is added only when it matches. */
  query: string;
  /** The folder shown (archived or not, pinned or not): a chat that left it is removed. */
  belongs?: (chat: Chat) => boolean;
}

const matches = (chat: Chat, query: string): boolean => {
  const wanted = query.toLocaleLowerCase();
  return !wanted || chat.jid.includes(wanted) || (chat.name ?? '').toLocaleLowerCase().includes(wanted);
};

/** The loaded chat list with changed entries replaced, gone ones removed and new ones placed. */
export function mergeChats(view: ChatListView, changed: ChangedChat[]): Chat[] {
  const inFolder = (chat: Chat | null): chat is Chat => chat !== null && (view.belongs?.(chat) ?? true);
  const byJid = new Map(changed.map((change) => [change.jid, inFolder(change.chat) ? change.chat : null]));
  const last = view.items.at(-1);
  const kept = view.items.flatMap((chat) => {
    if (!byJid.has(chat.jid)) return [chat];
    const now = byJid.get(chat.jid);
    byJid.delete(chat.jid);
    return now ? [now] : [];
  });
  const added = [...byJid.values()].filter(
    (chat): chat is Chat =>
      chat !== null && matches(chat, view.query) && (view.complete || last === undefined || chatOrder(chat, last) < 0),
  );
  return [...kept, ...added].sort(chatOrder);
}

const messageOrder = (a: Message, b: Message): number =>
  a.timestamp - b.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export interface MessageWindowView {
  items: Message[];
  hasOlder: boolean;
  hasNewer: boolean;
}

/** The window's messages with changed ones replaced and new ones placed, when they fall inside it
 * (a new message past a window that does not reach the newest one is left to paging). */
export function mergeMessages(view: MessageWindowView, incoming: Message[]): Message[] {
  const fresh = new Map(incoming.map((message) => [message.id, message]));
  let replaced = false;
  const items = view.items.map((message) => {
    const now = fresh.get(message.id);
    fresh.delete(message.id);
    replaced ||= now !== undefined;
    return now ?? message;
  });
  const first = items[0];
  const last = items.at(-1);
  const inside = (message: Message) =>
    (!view.hasOlder || first === undefined || messageOrder(message, first) > 0) &&
    (!view.hasNewer || last === undefined || messageOrder(message, last) < 0);
  const added = [...fresh.values()].filter(inside);
  if (added.length === 0) return replaced ? items : view.items;
  return [...items, ...added].sort(messageOrder);
}
