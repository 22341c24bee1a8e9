-- Cheaper to write, same search (docs/decisions.md, "Search: a vocabulary instead of trigrams of
-- every message", #17): partial words are found through the archive's distinct words instead of a
-- trigram index over every message's text, and `messages` no longer checks its chat by foreign key.

-- Every token of the text becomes a lexeme (URLs, host names, e-mail addresses and numbers already
-- were, through `simple`); the protocol, tag and entity tokens were dropped: "http" in a link must
-- be found by a partial word too.
ALTER TEXT SEARCH CONFIGURATION dl_multilingual ADD MAPPING FOR protocol, tag, entity WITH simple;

-- The stored search_vector of the messages with such a token is recomputed (an UPDATE recomputes a
-- generated column); the pattern is a superset of the texts the parser gives those tokens.
UPDATE messages SET text_body = text_body
WHERE text_body ~ '(://|[<&])'
  AND search_vector IS DISTINCT FROM to_tsvector('dl_multilingual', coalesce(text_body, ''));

-- The vocabulary: every lexeme of every message's search_vector, once (never shrinks: a word no
-- message holds any more only costs a candidate the substring test rejects). A partial word is
-- looked up here (trigrams of a few thousand to a few hundred thousand words instead of ~35 per
-- message), and the words containing it are looked up in messages_search.
CREATE TABLE search_words (
    word text PRIMARY KEY                       -- a lexeme, as in messages.search_vector
);
INSERT INTO search_words (word)
SELECT DISTINCT w FROM messages, unnest(tsvector_to_array(search_vector)) AS w;
CREATE INDEX search_words_trgm ON search_words USING gin (dl_search_text(word) gin_trgm_ops);

-- Kept by statement triggers, whoever writes messages (ingest's bulk upserts, imports, edits,
-- identity merges): one INSERT of the statement's distinct words, in word order (two concurrent
-- writers adding the same new words wait for each other instead of deadlocking).
CREATE FUNCTION dl_collect_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_words (word)
    SELECT DISTINCT w FROM new_rows, unnest(tsvector_to_array(new_rows.search_vector)) AS w
    ORDER BY w
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER messages_words_insert AFTER INSERT ON messages REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dl_collect_words();
CREATE TRIGGER messages_words_update AFTER UPDATE ON messages REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dl_collect_words();

-- The trigram index of every message's text: ~37 us of the ~100 us a message cost to write.
DROP INDEX messages_text_trgm;

-- Ingest writes a message's chat row in the same statement sequence before the message
-- (archive_plan: every message adds its chat), an identity merge copies the chat before it moves
-- the messages and drops the old row after; nothing else deletes chats. The check cost ~23 us per
-- message.
ALTER TABLE messages DROP CONSTRAINT messages_session_id_chat_jid_fkey;
