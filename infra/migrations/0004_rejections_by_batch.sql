-- Rejections are kept per batch, not per SQS message: a batch redriven from the DLQ (or
-- re-enqueued by reconcile) arrives under a new SQS message id and updated its own row instead of
-- adding one each time. Records that were not even a batch pointer keep their SQS message id.
ALTER TABLE ingest_rejections ADD COLUMN rejection_key text;
UPDATE ingest_rejections SET rejection_key = COALESCE(batch_key, 'sqs:' || sqs_message_id);
DELETE FROM ingest_rejections a USING ingest_rejections b
 WHERE a.rejection_key = b.rejection_key AND (a.last_at, a.ctid) < (b.last_at, b.ctid);
ALTER TABLE ingest_rejections DROP CONSTRAINT ingest_rejections_pkey;
ALTER TABLE ingest_rejections ALTER COLUMN rejection_key SET NOT NULL;
ALTER TABLE ingest_rejections ADD PRIMARY KEY (rejection_key);
