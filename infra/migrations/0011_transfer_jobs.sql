-- Import and export jobs of the web UI (services/transfer_jobs.py): their state survives a restart
-- of the API. `request` is what was asked, `progress` what the job reported last, `result` the
-- summary (import) or the finished zip (export); `heartbeat_at` is renewed by the process running
-- the job: an active job whose heartbeat stopped is reported as interrupted.
CREATE TABLE transfer_jobs (
    id           uuid PRIMARY KEY,
    session_id   varchar(128) NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('import', 'export')),
    state        text NOT NULL,
    request      jsonb NOT NULL,
    progress     jsonb NOT NULL DEFAULT '{}'::jsonb,
    result       jsonb,
    error        text,
    object_key   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz
);

CREATE INDEX transfer_jobs_by_session ON transfer_jobs (session_id, kind, created_at DESC);
