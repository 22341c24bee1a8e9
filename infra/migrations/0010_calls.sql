-- Calls (2026-12-06): one row per call, folded from its live steps (offer, accept, terminate) and
-- the call-log entry a history sync carries, in any order. The API derives the outcome: the
-- log's result when known, else connected (accepted), else missed/cancelled (terminated), else
-- ringing.
CREATE TABLE calls (
    session_id   varchar(128) NOT NULL,
    call_id      varchar(128) NOT NULL,
    chat_jid     varchar(128) NOT NULL,
    caller_jid   varchar(128),
    from_me      boolean      NOT NULL DEFAULT false,
    is_video     boolean,
    is_group     boolean      NOT NULL DEFAULT false,
    started_at   bigint,      -- offer, or the log entry's start
    accepted_at  bigint,
    ended_at     bigint,
    end_reason   text,
    result       varchar(32),  -- the call log's result (connected, missed, rejected, ...)
    duration_s   integer,
    updated_at   timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, call_id)
);
CREATE INDEX calls_by_time ON calls (session_id, started_at DESC, call_id DESC);
CREATE INDEX calls_by_chat ON calls (session_id, chat_jid, started_at DESC, call_id DESC);
