-- Chat state (2026-12-06): archived, pinned, muted (until when), marked unread and the unread count,
-- as WhatsApp's app state keeps them, from the history sync and, after it, from the connector's
-- reads of the session store. One row per (chat, state) with the time it was true at: the newest
-- wins (at the same instant "on", then the larger value), so an older replay never overwrites a
-- newer state (deeplens.domain.chat_state). `value`: muted = until (epoch ms, null = for ever),
-- unread = the count. chats.is_archived / chats.unread_count stay (older envelopes fill them); the
-- API prefers these rows.
CREATE TABLE chat_states (
    session_id  varchar(128) NOT NULL,
    chat_jid    varchar(128) NOT NULL,
    state       varchar(16)  NOT NULL
                CHECK (state IN ('archived', 'pinned', 'muted', 'marked_unread', 'unread')),
    is_on       boolean      NOT NULL,
    value       bigint,
    changed_at  bigint       NOT NULL,
    PRIMARY KEY (session_id, chat_jid, state)
);
