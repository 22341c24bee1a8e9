-- Several WhatsApp accounts in one installation (issue #15). An account's id IS the `session_id`
-- every archived row, event log key (`events/{id}/...`), Redis key and connector lock carries.
--   state: `active` (its connector runs), `paused` (its connector is stopped; the archive stays
--          readable). Only a paused account can be deleted (services/accounts.py).
--   phone / account_jid: known once paired; copied from connector_status by the trigger below, so
--          the connector needs no change to fill them.
--   track_groups / track_private: the account's defaults for newly seen chats; null = the
--          installation's DEFAULT_TRACK_* (the runner hands them to that account's connector).
CREATE TABLE accounts (
    id            varchar(128) PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.-]{1,128}$'),
    display_name  text         NOT NULL CHECK (length(display_name) BETWEEN 1 AND 80),
    phone         varchar(32),
    account_jid   varchar(128),
    state         varchar(10)  NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused')),
    track_groups  boolean,
    track_private boolean,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    updated_at    timestamptz  NOT NULL DEFAULT now()
);

-- Backfill: every session the archive already knows becomes an account (an installation that ran
-- before this migration has exactly one). A fresh database gets its first account from SESSION_ID
-- at the first start of the API or `make run` (adapters/account_store.seed_account).
INSERT INTO accounts (id, display_name, account_jid, phone, created_at)
SELECT s.session_id, s.session_id, cs.account_jid,
       nullif(split_part(split_part(cs.account_jid, '@', 1), ':', 1), ''), s.first_at
FROM (
    SELECT session_id, min(first_at) AS first_at FROM (
        SELECT session_id, min(updated_at) AS first_at FROM connector_status GROUP BY session_id
        UNION ALL SELECT session_id, min(applied_at) FROM applied_batches GROUP BY session_id
        UNION ALL SELECT session_id, now() FROM chats GROUP BY session_id
    ) known
    WHERE session_id ~ '^[A-Za-z0-9_.-]{1,128}$'
    GROUP BY session_id
) s
LEFT JOIN connector_status cs ON cs.session_id = s.session_id;

CREATE FUNCTION accounts_paired() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.account_jid IS NOT NULL THEN
        UPDATE accounts
           SET account_jid = NEW.account_jid,
               phone = nullif(split_part(split_part(NEW.account_jid, '@', 1), ':', 1), ''),
               updated_at = now()
         WHERE id = NEW.session_id AND account_jid IS DISTINCT FROM NEW.account_jid;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER connector_status_paired AFTER INSERT OR UPDATE OF account_jid ON connector_status
    FOR EACH ROW EXECUTE FUNCTION accounts_paired();

-- A bearer token may be limited to some accounts (null: every account). Browser sessions of the
-- admin are never limited.
ALTER TABLE api_credentials ADD COLUMN accounts varchar(128)[];
