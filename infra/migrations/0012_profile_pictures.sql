-- Profile pictures (2026-12-06): the current picture of each contact and chat, one row per JID.
-- The bytes are in the media bucket at bucket_key (profile/{jid}/{picture_id}.jpg); picture_id
-- NULL: no picture (removed, never set, or hidden from this account). The newest changed_at
-- (then the larger id) wins, so an older event replayed later never overwrites a newer picture.
CREATE TABLE profile_pictures (
    session_id  varchar(128) NOT NULL,
    jid         varchar(128) NOT NULL,
    picture_id  varchar(64),
    bucket_key  text,
    author_jid  varchar(128),
    changed_at  bigint       NOT NULL,
    updated_at  timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, jid),
    CHECK ((picture_id IS NULL) = (bucket_key IS NULL))
);
