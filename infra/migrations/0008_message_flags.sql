-- Message flags (2026-12-06): what WhatsApp says about a message besides its content, kept.
-- `flags` is a bit set (deeplens.domain.message_flags: 1 view once, 2 disappearing, 4 forwarded,
-- 8 mentions everyone, 16 from a bot, 32 from a verified business); a later copy ORs its bits in,
-- so no copy ever erases a flag another copy had. Adding a column with a constant default is a
-- catalogue change only: existing rows are not rewritten.
ALTER TABLE messages ADD COLUMN flags smallint NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN forwarding_score smallint NOT NULL DEFAULT 0;  -- >= 5: forwarded many times
ALTER TABLE messages ADD COLUMN ephemeral_timer_s integer;                      -- the disappearing timer

-- Pinned in the chat, kept in a disappearing chat, starred: states that come and go by their own
-- events (pin/unpin, keep/undo, star/unstar), kept per message like receipts, even before the
-- message arrives. The newest change per (message, state) wins; at the same instant "on" wins.
CREATE TABLE message_states (
    session_id  varchar(128) NOT NULL,
    chat_jid    varchar(128) NOT NULL,
    message_id  varchar(128) NOT NULL,
    state       varchar(16)  NOT NULL CHECK (state IN ('pinned', 'kept', 'starred')),
    is_on       boolean      NOT NULL,
    changed_at  bigint       NOT NULL,
    actor_jid   varchar(128),
    PRIMARY KEY (session_id, chat_jid, message_id, state)
);
-- The pinned messages of a chat (the chat header lists them).
CREATE INDEX message_states_pinned ON message_states (session_id, chat_jid, changed_at DESC)
    WHERE state = 'pinned' AND is_on;
