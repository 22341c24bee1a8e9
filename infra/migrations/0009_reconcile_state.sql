-- Reconcile's watermark per session (services/reconcile.py): the scheduled run lists the event log
-- only from the day after `settled_through` on; a run that hit its bound resumes after
-- `resume_after`; `pass_unsettled` is the first day of the current pass that still had a batch
-- neither applied nor rejected (the watermark can never pass it).
CREATE TABLE reconcile_state (
    session_id      varchar(128) PRIMARY KEY,
    settled_through date,
    resume_after    text,
    pass_unsettled  date,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
