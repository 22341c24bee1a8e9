-- Indexes for the API's reads (measured by bench/api_bench.py; see adapters/search_queries.py).

-- The sender filter matches either identity of the sender (sender_jid OR sender_alt_jid): with only
-- messages_sender, the OR could not use an index at all. Partial: most messages have no alt JID.
CREATE INDEX messages_sender_alt ON messages (session_id, sender_alt_jid, "timestamp" DESC)
    WHERE sender_alt_jid IS NOT NULL;

-- The type filter: the newest messages of one media type in time order (search reads them newest
-- first), without walking every text message. Partial: text is most of the archive and needs no
-- index of its own (messages_time serves it).
CREATE INDEX messages_type_time ON messages (session_id, message_type, "timestamp" DESC)
    WHERE message_type <> 'text';

-- Chat pages: the order of GET /api/chats (newest first, no message yet last, then JID) as one
-- ascending key, so a deep page seeks to its cursor (a row comparison) instead of filtering past
-- every chat before it, as chats_recent made it do (its NULLS LAST order needs an OR to seek).
CREATE INDEX chats_page ON chats (session_id, (-coalesce(last_msg_timestamp, -1)), jid);
