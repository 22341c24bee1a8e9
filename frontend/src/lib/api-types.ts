// Types written against the API's OpenAPI document (functions/deeplens/entrypoints/http/schemas.py).
// Timestamps named `*_at`/`timestamp` without a date type are epoch milliseconds.

export type EpochMs = number;

export interface ErrorBody {
  code: string;
  message: string;
  field?: string | null;
}

export interface ErrorResponse {
  error: ErrorBody;
}

export interface LoginRequest {
  password: string;
}

export interface LoginResult {
  expires_at: string;
}

export type ChatKind = 'direct' | 'group' | 'community' | 'newsletter' | 'status' | 'broadcast';

export const MESSAGE_TYPES = [
  'text', 'image', 'video', 'audio', 'voice', 'document', 'sticker', 'location', 'contact', 'poll', 'unknown',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export type ConnectionState =
  | 'unknown' | 'starting' | 'waiting_for_qr' | 'paired' | 'connecting' | 'connected' | 'reconnecting'
  | 'offline' | 'logged_out' | 'replaced' | 'outdated' | 'failed';

export interface ConnectorSession {
  session_id: string;
  /** The connector's state; 'unknown' before it ever reported. Typed open: new states must not break the UI. */
  state: ConnectionState | (string & {});
  detail: string | null;
  qr_code: string | null;
  qr_expires_at: string | null;
  account_jid: string | null;
  /** 0-100 */
  history_progress: number | null;
  updated_at: string | null;
  /** The 8-character code to type on the phone ("ABCD-EFGH"), after POST /api/connector/pair-phone. */
  pair_code: string | null;
  pair_code_expires_at: string | null;
  /** Whether anything was archived yet: the pairing screen is the landing page only when false. */
  has_archive: boolean;
}

export interface PairPhoneRequest {
  /** International format, spaces allowed: "+49 151 1234 5678". */
  phone: string;
}

/** 202 answer of the connector commands (pair-phone, logout, restart, new-code). */
export interface ConnectorCommand {
  command: 'pair_phone' | 'logout' | 'restart' | 'new_code' | (string & {});
}

export interface LastMessage {
  id: string;
  type: string;
  text: string | null;
  sender_jid: string | null;
  from_me: boolean;
  deleted: boolean;
  timestamp: EpochMs;
}

export interface Chat {
  jid: string;
  name: string | null;
  kind: ChatKind;
  parent_jid: string | null;
  unread_count: number | null;
  is_archived: boolean | null;
  last_message_at: EpochMs | null;
  is_tracked: boolean;
  auto_download_media: boolean;
  last_message: LastMessage | null;
}

export interface ChatPage {
  items: Chat[];
  next_cursor: string | null;
}

export interface Participant {
  jid: string;
  name: string | null;
  is_admin: boolean;
  is_super_admin: boolean;
}

export interface ChatDetail extends Chat {
  message_count: number;
  participants: Participant[];
}

export interface Reaction {
  emoji: string;
  reactor_jid: string;
  reacted_at: EpochMs;
}

export interface Quoted {
  id: string;
  sender_jid: string | null;
  text: string | null;
  type: string | null;
}

export type MediaStatus = 'stored' | 'skipped' | 'failed' | 'unavailable' | 'pending';

export interface MediaInfo {
  file_id: string;
  mime: string | null;
  size: number | null;
  width: number | null;
  height: number | null;
  duration_s: number | null;
  file_name: string | null;
  status: MediaStatus | (string & {});
  url: string | null;
  thumbnail_url: string | null;
}

/** 0 sent, 1 delivered, 2 read, 3 played */
export type ReceiptStatus = 0 | 1 | 2 | 3;

export interface PollVote {
  voter_jid: string;
  /** Option names; a hash (hex) when the poll's options do not name it; empty = withdrawn. */
  selected_options: string[];
  voted_at: EpochMs;
}

/** What WhatsApp says about a message besides its content, and its states (pinned, kept, starred). */
export interface MessageFlags {
  forwarded: boolean;
  forwarding_score: number;
  /** forwarding_score >= 5 */
  forwarded_many_times: boolean;
  view_once: boolean;
  ephemeral: boolean;
  ephemeral_timer_s: number | null;
  mentions_everyone: boolean;
  from_bot: boolean;
  from_business: boolean;
  /** pinned in the chat since; null when not pinned */
  pinned_at: EpochMs | null;
  kept: boolean;
  starred: boolean;
}

export interface Message {
  chat_jid: string;
  id: string;
  sender_jid: string | null;
  sender_alt_jid: string | null;
  sender_name: string | null;
  from_me: boolean;
  timestamp: EpochMs;
  type: MessageType | (string & {});
  text: string | null;
  status: number;
  edited_at: EpochMs | null;
  deleted_at: EpochMs | null;
  deleted_by: string | null;
  source: 'live' | 'history' | 'import';
  /** The raw WhatsApp message (protobuf as JSON, camelCase keys). */
  content: Record<string, unknown> | null;
  quoted: Quoted | null;
  reactions: Reaction[];
  poll_votes: PollVote[];
  versions_count: number;
  media: MediaInfo | null;
  flags: MessageFlags;
}

export type CallOutcome =
  | 'connected' | 'missed' | 'rejected' | 'cancelled' | 'accepted_elsewhere' | 'unavailable' | 'failed'
  | 'abandoned' | 'ongoing' | 'upcoming' | 'invalid' | 'ringing';

/** One voice or video call: its live steps and the phone's call-log entry folded together. */
export interface Call {
  call_id: string;
  chat_jid: string;
  chat_name: string | null;
  caller_jid: string | null;
  caller_name: string | null;
  from_me: boolean;
  /** null when no step said */
  video: boolean | null;
  group: boolean;
  started_at: EpochMs;
  ended_at: EpochMs | null;
  outcome: CallOutcome;
  end_reason: string | null;
  duration_s: number | null;
}

export interface CallPage {
  items: Call[];
  next_cursor: string | null;
}

export interface MessagePage {
  items: Message[];
  has_older: boolean;
  has_newer: boolean;
  older_cursor: string | null;
  newer_cursor: string | null;
}

export interface Version {
  edited_at: EpochMs;
  is_original: boolean;
  text: string | null;
}

export interface VersionList {
  chat_jid: string;
  message_id: string;
  versions: Version[];
}

export interface SearchHit extends Message {
  chat_name: string | null;
  rank: number;
  /** HTML-escaped text with the matches in <mark>…</mark>. */
  snippet: string;
}

export interface SearchPage {
  items: SearchHit[];
  next_cursor: string | null;
}

export interface TrackingItem {
  jid: string;
  name: string | null;
  kind: ChatKind;
  is_tracked: boolean;
  auto_download_media: boolean;
  message_count: number;
  last_activity: EpochMs | null;
}

export interface TrackingUpdate {
  is_tracked?: boolean;
  auto_download_media?: boolean;
}
