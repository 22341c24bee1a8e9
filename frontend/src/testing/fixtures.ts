import type {
  Chat,
  ConnectorSession,
  MediaInfo,
  Message,
  MessageFlags,
  SearchHit,
  TrackingItem,
} from '@/lib/api-types';
import type { Account } from '@/stores/account-store';

const BASE_TS = Date.UTC(2025, 10, 24, 10, 0, 0);

export function makeMessage(overrides: Partial<Message> = {}): Message {
  return {
    chat_jid: '120363012345678901@g.us',
    id: 'MSG1',
    sender_jid: '4915187654321@s.whatsapp.net',
    sender_alt_jid: null,
    sender_name: 'Bob',
    from_me: false,
    timestamp: BASE_TS,
    type: 'text',
    text: 'Hello',
    status: 1,
    edited_at: null,
    deleted_at: null,
    deleted_by: null,
    source: 'live',
    content: null,
    quoted: null,
    reactions: [],
    poll_votes: [],
    versions_count: 0,
    media: null,
    flags: makeFlags(),
    ...overrides,
  };
}

export function makeFlags(overrides: Partial<MessageFlags> = {}): MessageFlags {
  return {
    forwarded: false,
    forwarding_score: 0,
    forwarded_many_times: false,
    view_once: false,
    ephemeral: false,
    ephemeral_timer_s: null,
    mentions_everyone: false,
    from_bot: false,
    from_business: false,
    pinned_at: null,
    kept: false,
    starred: false,
    ...overrides,
  };
}

export function makeMedia(overrides: Partial<MediaInfo> = {}): MediaInfo {
  return {
    file_id: 'file_abc123',
    mime: 'image/jpeg',
    size: 123_456,
    width: 800,
    height: 600,
    duration_s: null,
    file_name: null,
    status: 'stored',
    url: '/api/media/file_abc123',
    thumbnail_url: '/api/media/file_abc123/thumbnail',
    ...overrides,
  };
}

export function makeChat(index: number, overrides: Partial<Chat> = {}): Chat {
  return {
    jid: `49151000${String(index).padStart(5, '0')}@s.whatsapp.net`,
    name: `Person ${index}`,
    kind: 'direct',
    parent_jid: null,
    unread_count: 0,
    is_archived: false,
    is_pinned: false,
    is_muted: false,
    muted_until: null,
    marked_unread: false,
    last_message_at: BASE_TS - index * 60_000,
    is_tracked: true,
    auto_download_media: false,
    last_message: {
      id: `LAST${index}`,
      type: 'text',
      text: `Last words ${index}`,
      sender_jid: null,
      from_me: false,
      deleted: false,
      timestamp: BASE_TS - index * 60_000,
    },
    ...overrides,
  };
}

export function makeTracking(index: number, overrides: Partial<TrackingItem> = {}): TrackingItem {
  return {
    jid: `120363000000${String(index).padStart(3, '0')}@g.us`,
    name: `Group ${index}`,
    kind: 'group',
    is_tracked: true,
    auto_download_media: false,
    message_count: index * 10,
    last_activity: BASE_TS,
    ...overrides,
  };
}

export function makeHit(overrides: Partial<SearchHit> = {}): SearchHit {
  return {
    ...makeMessage(),
    chat_name: 'Family',
    rank: 0.5,
    snippet: 'see <mark>you</mark> soon',
    account: 'primary_agent',
    ...overrides,
  };
}

export function makeSession(overrides: Partial<ConnectorSession> = {}): ConnectorSession {
  return {
    session_id: 'primary_agent',
    state: 'connected',
    detail: null,
    qr_code: null,
    qr_expires_at: null,
    account_jid: '4915100000000@s.whatsapp.net',
    history_progress: null,
    updated_at: null,
    pair_code: null,
    pair_code_expires_at: null,
    has_archive: true,
    ...overrides,
  };
}

/** A connector waiting for its QR code to be scanned. */
export const unpairedSession = (overrides: Partial<ConnectorSession> = {}): ConnectorSession =>
  makeSession({ state: 'waiting_for_qr', qr_code: '2@abc,def,ghi', account_jid: null, ...overrides });

/** An account as GET /api/accounts lists it. */
export function makeAccount(id: string, overrides: Partial<Account> = {}): Account {
  return {
    id,
    display_name: id,
    phone: null,
    account_jid: null,
    state: 'active',
    connection: 'connected',
    track_groups: null,
    track_private: null,
    created_at: '2026-12-01T10:00:00Z',
    updated_at: '2026-12-01T10:00:00Z',
    rejected_batches: 0,
    ...overrides,
  };
}
