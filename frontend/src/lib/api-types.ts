// The API's models by name, from the types generated out of its OpenAPI document
// (src/lib/api-schema.d.ts, `npm run gen:api`; never edit that file by hand). Only the UI's own
// refinements are written here. Timestamps named `*_at`/`timestamp` without a date type are epoch
// milliseconds.

import type { components, operations } from '@/lib/api-schema';

type Schemas = components['schemas'];

export type EpochMs = number;

export type ErrorBody = Schemas['ErrorBody'];
export type ErrorResponse = Schemas['ErrorResponse'];
export type LoginRequest = Schemas['LoginRequest'];
export type LoginResult = Schemas['LoginResult'];

export type ChatKind = Schemas['Chat']['kind'];

/** The message types the API knows (its search filter's `type`); a message's own `type` is an open
 * string (an archive may hold types this UI does not know yet). */
export type MessageType = NonNullable<NonNullable<operations['search_messages']['parameters']['query']>['type']>;
const MESSAGE_TYPE_SET: Record<MessageType, true> = {
  text: true,
  image: true,
  video: true,
  audio: true,
  voice: true,
  document: true,
  sticker: true,
  location: true,
  contact: true,
  poll: true,
  unknown: true,
}; // a type the API adds or drops fails the typecheck here
export const MESSAGE_TYPES = Object.keys(MESSAGE_TYPE_SET) as readonly MessageType[];

/** The connector's states as the UI names them; ConnectorSession.state is an open string (new
 * states must not break the UI). */
export type ConnectionState =
  | 'unknown'
  | 'starting'
  | 'waiting_for_qr'
  | 'paired'
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'offline'
  | 'logged_out'
  | 'replaced'
  | 'outdated'
  | 'failed';

export type ConnectorSession = Schemas['ConnectorSession'];
export type PairPhoneRequest = Schemas['PairPhoneRequest'];
/** 202 answer of the connector commands (pair-phone, logout, restart, new-code). */
export type ConnectorCommand = Schemas['CommandAccepted'];

export type LastMessage = Schemas['LastMessage'];
/** A group change in a chat's timeline (`type` system) and a call there (`type` call). */
export type SystemEntry = Schemas['SystemEntry'];
export type CallEntry = Schemas['CallEntry'];
export type Chat = Schemas['Chat'];
export type ChatPage = Schemas['ChatPage'];
export type Participant = Schemas['Participant'];
export type ChatDetail = Schemas['ChatDetail'];
export type Reaction = Schemas['Reaction'];
export type Quoted = Schemas['Quoted'];

/** MediaInfo.status as the UI names it (an open string in the API). */
export type MediaStatus = 'stored' | 'skipped' | 'failed' | 'unavailable' | 'pending';
export type MediaInfo = Schemas['MediaInfo'];

/** Message.status: 0 sent, 1 delivered, 2 read, 3 played */
export type ReceiptStatus = 0 | 1 | 2 | 3;

export type PollVote = Schemas['PollVote'];
export type MessageFlags = Schemas['MessageFlags'];
export type Message = Schemas['Message'];

export type CallOutcome = Schemas['Call']['outcome'];
export type Call = Schemas['Call'];
export type CallPage = Schemas['CallPage'];
export type StatusContact = Schemas['StatusContact'];
export type StatusPage = Schemas['StatusPage'];

export type MessagePage = Schemas['MessagePage'];
export type Version = Schemas['Version'];
export type VersionList = Schemas['VersionList'];
export type SearchHit = Schemas['SearchHit'];
export type SearchPage = Schemas['SearchPage'];

export type TrackingItem = Schemas['TrackingItem'];
/** The change the UI sends: the API also takes null for "leave as is", the UI leaves the key out (its
 * optimistic rows spread a change over a TrackingItem, where a null would not fit). */
export type TrackingUpdate = { [K in keyof Schemas['TrackingUpdate']]?: NonNullable<Schemas['TrackingUpdate'][K]> };

export type ChangedChat = Schemas['ChangedChat'];
export type Changes = Schemas['Changes'];
