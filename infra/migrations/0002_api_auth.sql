-- API authentication. One admin per archive (not per WhatsApp account): the person who runs it.

-- The generated admin password's scrypt hash (when ADMIN_PASSWORD / ADMIN_PASSWORD_HASH are not
-- set). In PostgreSQL rather than a file so every API process (uvicorn, Lambda) sees the same one.
CREATE TABLE api_admin (
    id            smallint    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    password_hash text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Browser sessions (cookie) and bearer tokens (scripts). Only the SHA-256 of the secret is kept:
-- the secret is 256 random bits, so a fast hash is enough and lookups stay one index probe.
CREATE TABLE api_credentials (
    id           uuid        PRIMARY KEY,
    kind         varchar(10) NOT NULL CHECK (kind IN ('session', 'token')),
    name         text,
    secret_hash  bytea       NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz                     -- null: a token that does not expire
);
CREATE INDEX api_credentials_expiry ON api_credentials (expires_at) WHERE expires_at IS NOT NULL;
