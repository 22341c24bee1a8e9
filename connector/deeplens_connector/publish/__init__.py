"""Publishing: micro-batches, the local spool, the encoded event lines (S3 event log + SQS)."""
