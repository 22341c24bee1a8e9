"""Buckets, the ingest queue with its DLQ, and the environment the apps get."""

from __future__ import annotations

import json
from typing import Any

import boto3
from botocore.config import Config

from devstack.config import DLQ_NAME, EVENTS_BUCKET, MEDIA_BUCKET, QUEUE_NAME, REGION, StackConfig

CREDENTIALS = {"s3rver": ("S3RVER", "S3RVER"), "localstack": ("test", "test")}
SQS_CREDENTIALS = ("test", "test")


def stack_env(cfg: StackConfig, backend: str) -> dict[str, str]:
    """The variables the API, the ingest worker and the connector need to use this stack."""
    pg_password = cfg.secret("postgres_password")
    pg = f"deeplens:{pg_password}@127.0.0.1:{cfg.port('postgres')}"
    s3_port = cfg.port("s3rver" if backend == "s3rver" else "localstack")
    sqs_port = cfg.port("moto" if backend == "s3rver" else "localstack")
    access, secret = CREDENTIALS[backend]
    return {
        "DATABASE_URL": f"postgresql://{pg}/deeplens",
        "SESSION_STORE_URL": f"postgres://{pg}/deeplens_wa?sslmode=disable",
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": str(cfg.port("redis")),
        "MINIO_ENDPOINT": "127.0.0.1",
        "MINIO_PORT": str(s3_port),
        "MINIO_USE_SSL": "false",
        "MINIO_ACCESS_KEY": access,
        "MINIO_SECRET_KEY": secret,
        "MINIO_BUCKET": MEDIA_BUCKET,
        "EVENTS_BUCKET": EVENTS_BUCKET,
        "AWS_REGION": REGION,
        "SQS_ENDPOINT_URL": f"http://127.0.0.1:{sqs_port}",
        "SQS_ACCESS_KEY": SQS_CREDENTIALS[0],
        "SQS_SECRET_KEY": SQS_CREDENTIALS[1],
        "MEDIA_DELIVERY": "stream",  # the bucket listens on loopback: media goes through the API
    }


def s3_client(env: dict[str, str]) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=f"http://{env['MINIO_ENDPOINT']}:{env['MINIO_PORT']}",
        aws_access_key_id=env["MINIO_ACCESS_KEY"],
        aws_secret_access_key=env["MINIO_SECRET_KEY"],
        region_name=env["AWS_REGION"],
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
    )


def sqs_client(env: dict[str, str], timeout_s: float | None = None) -> Any:
    """`timeout_s`: connect/read timeout and no retries (a probe that must not hang on a dead server)."""
    config = None
    if timeout_s is not None:
        config = Config(connect_timeout=timeout_s, read_timeout=timeout_s, retries={"max_attempts": 1})
    return boto3.client(
        "sqs",
        endpoint_url=env["SQS_ENDPOINT_URL"],
        aws_access_key_id=env["SQS_ACCESS_KEY"],
        aws_secret_access_key=env["SQS_SECRET_KEY"],
        region_name=env["AWS_REGION"],
        config=config,
    )


def ensure_buckets(env: dict[str, str]) -> None:
    s3 = s3_client(env)
    existing = {bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])}
    for bucket in (env["MINIO_BUCKET"], env["EVENTS_BUCKET"]):
        if bucket not in existing:
            s3.create_bucket(Bucket=bucket)


def ensure_queues(env: dict[str, str], max_receive_count: int) -> dict[str, str]:
    """Create the DLQ, then the ingest queue redriving to it; returns the two queue URLs."""
    sqs = sqs_client(env)
    dlq_url = sqs.create_queue(QueueName=DLQ_NAME, Attributes={"MessageRetentionPeriod": "1209600"})
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url["QueueUrl"], AttributeNames=["QueueArn"])
    redrive = {
        "deadLetterTargetArn": dlq_arn["Attributes"]["QueueArn"],
        "maxReceiveCount": max_receive_count,
    }
    queue = sqs.create_queue(QueueName=QUEUE_NAME)
    sqs.set_queue_attributes(
        QueueUrl=queue["QueueUrl"],
        Attributes={"VisibilityTimeout": "60", "RedrivePolicy": json.dumps(redrive)},
    )
    return {"INGEST_QUEUE_URL": queue["QueueUrl"], "INGEST_DLQ_URL": dlq_url["QueueUrl"]}
