-- Live updates (GET /api/changes): a revision number per session that ingest raises in the same
-- transaction as it applies a batch, and which chats (and which of their messages) each revision
-- touched. One row per (batch, chat), never one per message; pruned by ingest (services/changes.py).

-- The newest revision of a session. Ingest raises it as the last statement before its commit: the
-- row lock orders concurrent batches, so revisions become visible in their own order (a sequence
-- could commit 7 before 6 and a poller at 7 would never see 6).
-- `kept_from`: the oldest revision whose changes are still in archive_changes; a client whose
-- cursor is older than kept_from - 1 is told to reload.
CREATE TABLE archive_revisions (
    session_id  varchar(128) PRIMARY KEY,
    revision    bigint       NOT NULL,
    kept_from   bigint       NOT NULL DEFAULT 1,
    changed_at  timestamptz  NOT NULL DEFAULT now()
);

-- What one revision touched in one chat: `message_ids` lists the messages written (new, edited,
-- revoked, reacted to, receipts, media, votes), at most a bounded number; NULL = too many to
-- list or rows moved (an identity merge): the chat is to be reloaded.
CREATE TABLE archive_changes (
    session_id  varchar(128) NOT NULL,
    revision    bigint       NOT NULL,
    chat_jid    varchar(128) NOT NULL,
    message_ids text[],
    PRIMARY KEY (session_id, revision, chat_jid)
);
