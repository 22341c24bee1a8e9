"""The local stack without Docker: PostgreSQL, Redis, s3rver (S3 on disk), moto (SQS) or LocalStack."""
