import { apiRequest } from '@/lib/api-client';
import type { MessagePage, VersionList } from '@/lib/api-types';

export const MESSAGE_PAGE_SIZE = 50;

export interface PagePosition {
  before?: string | null;
  after?: string | null;
  around?: string | null;
}

export const listMessages = (jid: string, position: PagePosition, signal?: AbortSignal): Promise<MessagePage> =>
  apiRequest<MessagePage>(`/api/chats/${encodeURIComponent(jid)}/messages`, {
    query: { ...position, limit: MESSAGE_PAGE_SIZE },
    signal,
  });

export const listVersions = (chatJid: string, messageId: string, signal?: AbortSignal): Promise<VersionList> =>
  apiRequest<VersionList>(`/api/messages/${encodeURIComponent(chatJid)}/${encodeURIComponent(messageId)}/versions`, { signal });
