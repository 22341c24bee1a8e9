-- The original version of an edited message remembers which copy (live, history, import) it was
-- taken from, so a better copy arriving later replaces it and any arrival order gives the same row.
ALTER TABLE message_versions ADD COLUMN source varchar(10)
    CHECK (source IS NULL OR source IN ('live', 'history', 'import'));
-- Originals kept so far came from the message's copy at the time: its source is the best guess.
UPDATE message_versions v SET source = m.source
  FROM messages m
 WHERE v.is_original AND m.session_id = v.session_id AND m.chat_jid = v.chat_jid AND m.id = v.message_id;
