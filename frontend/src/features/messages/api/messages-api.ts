import { api } from '@/lib/api-client';
import type { MessagePage, VersionList } from '@/lib/api-types';

export const MESSAGE_PAGE_SIZE = 50;

export interface PagePosition {
  before?: string | null;
  after?: string | null;
  around?: string | null;
}

export const listMessages = (jid: string, position: PagePosition, signal?: AbortSignal): Promise<MessagePage> =>
  api.get('/api/chats/{jid}/messages', {
    path: { jid },
    query: { ...position, limit: MESSAGE_PAGE_SIZE },
    signal,
  });

export const listVersions = (chatJid: string, messageId: string, signal?: AbortSignal): Promise<VersionList> =>
  api.get('/api/messages/{chat}/{id}/versions', { path: { chat: chatJid, id: messageId }, signal });
