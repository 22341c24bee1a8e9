-- DeepLens-Connect archive schema (see docs/decisions.md for every departure from the seed).
-- Every archived row carries the account it came from (session_id = SESSION_ID, the envelope's
-- `session`), and every key includes it. JIDs are stored canonical (no device suffix, PN preferred
-- over LID once the mapping is known); timestamps of WhatsApp events are epoch milliseconds.

CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Multilingual full-text search: the `simple` dictionary (no stemming, works for every script)
-- behind `unaccent`, so "Müller", "muller" and "MULLER" meet. English stemming is added in the
-- query as a second, optional branch.
CREATE TEXT SEARCH CONFIGURATION dl_multilingual (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION dl_multilingual
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH unaccent, simple;

-- unaccent() is STABLE (it depends on search_path); this wrapper names the dictionary so it can
-- be IMMUTABLE and used in the trigram index.
CREATE FUNCTION dl_search_text(body text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN lower(public.unaccent('public.unaccent'::regdictionary, body));

-- Ranks used by the ingest upserts: a better copy leads, a worse one only fills gaps.
CREATE FUNCTION dl_source_rank(source text) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE source WHEN 'live' THEN 3 WHEN 'history' THEN 2 WHEN 'import' THEN 1 ELSE 0 END;
CREATE FUNCTION dl_media_rank(status text) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE status WHEN 'stored' THEN 4 WHEN 'unavailable' THEN 3 WHEN 'failed' THEN 2
                       WHEN 'skipped' THEN 1 ELSE 0 END;

CREATE TABLE tracking_config (
    session_id          varchar(128) NOT NULL,
    jid                 varchar(128) NOT NULL,
    name                text,
    type                varchar(20)  NOT NULL
        CHECK (type IN ('group', 'private', 'community', 'newsletter', 'broadcast', 'status')),
    is_tracked          boolean      NOT NULL DEFAULT true,
    auto_download_media boolean      NOT NULL DEFAULT true,
    created_at          timestamptz  NOT NULL DEFAULT now(),
    updated_at          timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, jid)
);

CREATE TABLE chats (
    session_id         varchar(128) NOT NULL,
    jid                varchar(128) NOT NULL,
    name               text,
    kind               varchar(20)  NOT NULL DEFAULT 'direct'
        CHECK (kind IN ('direct', 'group', 'community', 'newsletter', 'status', 'broadcast')),
    parent_jid         varchar(128),            -- the community a group belongs to
    unread_count       int,                     -- null until WhatsApp tells (history sync)
    last_msg_timestamp bigint,                  -- epoch ms, only ever moves forward
    is_archived        boolean,
    info_at            bigint       NOT NULL DEFAULT 0,  -- epoch ms of the chat event name/kind came from
    created_at         timestamptz  NOT NULL DEFAULT now(),
    updated_at         timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, jid)
);
CREATE INDEX chats_recent ON chats (session_id, last_msg_timestamp DESC NULLS LAST, jid);
CREATE INDEX chats_name_trgm ON chats USING gin (dl_search_text(name) gin_trgm_ops);

CREATE TABLE messages (
    session_id     varchar(128) NOT NULL,
    chat_jid       varchar(128) NOT NULL,
    id             varchar(128) NOT NULL,       -- WhatsApp message id: unique only within a chat
    sender_jid     varchar(128),
    sender_alt_jid varchar(128),                -- the other identity of the sender (LID <-> PN)
    remote_jid     varchar(128),                -- the other party (the chat for 1:1, else sender)
    from_me        boolean      NOT NULL DEFAULT false,
    push_name      text,
    content        jsonb,                       -- the full raw message (protobuf as JSON)
    message_type   varchar(50)  NOT NULL DEFAULT 'unknown',
    text_body      text,                        -- newest text, for display and search
    media_url      text,                        -- bucket key {chat_jid}/{YYYY-MM-DD}/{file_id}.{ext}
    file_id        varchar(128),
    quoted_id      varchar(128),
    "timestamp"    bigint       NOT NULL,       -- epoch ms
    status         smallint     NOT NULL DEFAULT 0 CHECK (status BETWEEN 0 AND 3),
    edited_at      bigint,
    deleted_at     bigint,                      -- revoked: content is kept, the row is marked
    deleted_by     varchar(128),
    source         varchar(10)  NOT NULL DEFAULT 'live' CHECK (source IN ('live', 'history', 'import')),
    search_vector  tsvector GENERATED ALWAYS AS
                       (to_tsvector('dl_multilingual', coalesce(text_body, ''))) STORED,
    created_at     timestamptz  NOT NULL DEFAULT now(),
    updated_at     timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, chat_jid, id),
    FOREIGN KEY (session_id, chat_jid) REFERENCES chats (session_id, jid) ON UPDATE CASCADE
);
CREATE INDEX messages_chat_time ON messages (session_id, chat_jid, "timestamp" DESC, id DESC);
CREATE INDEX messages_time ON messages (session_id, "timestamp" DESC, chat_jid, id);
CREATE INDEX messages_sender ON messages (session_id, sender_jid, "timestamp" DESC);
-- A larger GIN pending list turns many small index insertions into fewer bulk merges (ingest speed).
CREATE INDEX messages_search ON messages USING gin (search_vector) WITH (gin_pending_list_limit = 16384);
CREATE INDEX messages_text_trgm ON messages USING gin (dl_search_text(text_body) gin_trgm_ops)
    WITH (gin_pending_list_limit = 16384);

-- Every version of an edited message. The original text is kept as the row with is_original
-- (written when the message and at least one edit are both known, whatever their order).
CREATE TABLE message_versions (
    session_id  varchar(128) NOT NULL,
    chat_jid    varchar(128) NOT NULL,
    message_id  varchar(128) NOT NULL,
    edited_at   bigint       NOT NULL,          -- epoch ms; the message's own timestamp for the original
    is_original boolean      NOT NULL DEFAULT false,
    text_body   text,
    content     jsonb,
    PRIMARY KEY (session_id, chat_jid, message_id, edited_at, is_original)
);

-- Receipts and revokes, kept per message whether or not the message has arrived yet (WhatsApp
-- delivers them in any order); messages.status / deleted_at are derived from this row.
CREATE TABLE message_marks (
    session_id  varchar(128) NOT NULL,
    chat_jid    varchar(128) NOT NULL,
    message_id  varchar(128) NOT NULL,
    status      smallint     NOT NULL DEFAULT 0 CHECK (status BETWEEN 0 AND 3),
    revoked_at  bigint,
    revoked_by  varchar(128),
    PRIMARY KEY (session_id, chat_jid, message_id)
);

-- Batch objects of the events log that ingest has applied (the reconcile step re-enqueues the rest).
CREATE TABLE applied_batches (
    session_id  varchar(128) NOT NULL,
    batch_key   text         NOT NULL,          -- events/{session}/{YYYY}/{MM}/{DD}/{batch_id}.jsonl.gz
    event_count int          NOT NULL,
    applied_at  timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, batch_key)
);

CREATE TABLE reactions (
    session_id  varchar(128) NOT NULL,
    chat_jid    varchar(128) NOT NULL,
    message_id  varchar(128) NOT NULL,
    reactor_jid varchar(128) NOT NULL,
    emoji       text         NOT NULL,
    reacted_at  bigint       NOT NULL,          -- epoch ms; a newer reaction replaces an older one
    PRIMARY KEY (session_id, chat_jid, message_id, reactor_jid)
);

CREATE TABLE poll_votes (
    session_id       varchar(128) NOT NULL,
    chat_jid         varchar(128) NOT NULL,
    message_id       varchar(128) NOT NULL,
    voter_jid        varchar(128) NOT NULL,
    selected_options jsonb        NOT NULL,
    voted_at         bigint       NOT NULL,     -- a newer vote replaces an older one
    PRIMARY KEY (session_id, chat_jid, message_id, voter_jid)
);

CREATE TABLE contacts (
    session_id    varchar(128) NOT NULL,
    jid           varchar(128) NOT NULL,
    lid           varchar(128),
    phone_jid     varchar(128),
    push_name     text,
    full_name     text,
    business_name text,
    info_at       bigint       NOT NULL DEFAULT 0,  -- epoch ms of the event the names came from
    updated_at    timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, jid)
);

-- LID <-> phone-number identities of the same person; alias_jid resolves to canonical_jid.
CREATE TABLE jid_aliases (
    session_id    varchar(128) NOT NULL,
    alias_jid     varchar(128) NOT NULL,
    canonical_jid varchar(128) NOT NULL,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, alias_jid)
);
CREATE INDEX jid_aliases_canonical ON jid_aliases (session_id, canonical_jid);

CREATE TABLE group_participants (
    session_id      varchar(128) NOT NULL,
    group_jid       varchar(128) NOT NULL,
    participant_jid varchar(128) NOT NULL,
    is_admin        boolean      NOT NULL DEFAULT false,
    is_super_admin  boolean      NOT NULL DEFAULT false,
    listed_at       bigint       NOT NULL,      -- epoch ms of the newest member list naming them;
                                                -- members now = rows with the group's newest listed_at
    updated_at      timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, group_jid, participant_jid)
);

CREATE TABLE media (
    session_id  varchar(128) NOT NULL,
    file_id     varchar(128) NOT NULL,
    chat_jid    varchar(128) NOT NULL,
    message_id  varchar(128) NOT NULL,
    bucket_key  text,                           -- null while not downloaded
    mime        text,
    size        bigint,
    sha256      varchar(64),
    width       int,
    height      int,
    duration_s  int,
    file_name   text,
    thumbnail   bytea,
    status      varchar(12)  NOT NULL
        CHECK (status IN ('stored', 'skipped', 'failed', 'unavailable', 'pending')),
    error       text,
    created_at  timestamptz  NOT NULL DEFAULT now(),
    updated_at  timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, file_id)
);
CREATE INDEX media_message ON media (session_id, chat_jid, message_id);

CREATE TABLE connector_status (
    session_id       varchar(128) PRIMARY KEY,
    state            varchar(20)  NOT NULL,
    detail           text,
    qr_code          text,
    qr_expires_at    timestamptz,
    account_jid      varchar(128),
    history_progress smallint CHECK (history_progress BETWEEN 0 AND 100),
    updated_at       timestamptz  NOT NULL DEFAULT now()
);

-- Why ingest refused a queue record (the DLQ keeps only the body): one row per SQS message id.
CREATE TABLE ingest_rejections (
    sqs_message_id text        PRIMARY KEY,
    session_id     varchar(128),                -- null when the record was not even a batch pointer
    batch_key      text,
    reason         text        NOT NULL,
    receives       int         NOT NULL,
    first_at       timestamptz NOT NULL DEFAULT now(),
    last_at        timestamptz NOT NULL DEFAULT now()
);

-- Audit log of connection state changes (the envelope's `connection` events).
CREATE TABLE connection_events (
    session_id  varchar(128) NOT NULL,
    event_id    text         NOT NULL,
    state       varchar(20)  NOT NULL,
    detail      text,
    occurred_at bigint       NOT NULL,
    PRIMARY KEY (session_id, event_id)
);
