from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.adapters.queue import Queue, make_sqs_client
from deeplens.bootstrap import make_pool
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.services.ingest import IngestDeps
from deeplens.settings import QueueSettings, S3Settings

from tests.support import settings_from


@pytest.fixture
def events_store(stack_env: dict[str, str]) -> ObjectStore:
    settings: S3Settings = settings_from(S3Settings, stack_env)
    return ObjectStore(make_s3_client(settings), settings.events_bucket)


@pytest.fixture
def make_deps(events_store: ObjectStore) -> Iterator[Callable[..., IngestDeps]]:
    """IngestDeps on a given database (a pool each, closed after the test)."""
    pools: list[Any] = []

    def build(url: str, policy: TrackingPolicy | None = None) -> IngestDeps:
        pool = make_pool(url)
        pools.append(pool)
        return IngestDeps(pool, events_store, policy or TrackingPolicy())

    yield build
    for pool in pools:
        pool.close()


@pytest.fixture
def fresh_databases(stack_env: dict[str, str], template_database: str) -> Iterator[Callable[[], str]]:
    """A factory of fresh migrated databases, all dropped after the test."""
    admin = stack_env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    names: list[str] = []

    def create() -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {template_database}")
        names.append(name)
        return admin.rsplit("/", 1)[0] + f"/{name}"

    yield create
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _queue_factory(env: dict[str, str]) -> Callable[..., tuple[Queue, Queue]]:
    sqs = make_sqs_client(settings_from(QueueSettings, env), settings_from(S3Settings, env))

    def create(max_receive_count: int = 2) -> tuple[Queue, Queue]:
        name = f"t-{uuid.uuid4().hex[:10]}"
        dlq = sqs.create_queue(QueueName=f"{name}-dlq", Attributes={"VisibilityTimeout": "1"})["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        redrive = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": max_receive_count})
        url = sqs.create_queue(
            QueueName=name, Attributes={"VisibilityTimeout": "1", "RedrivePolicy": redrive}
        )
        return Queue(sqs, url["QueueUrl"]), Queue(sqs, dlq)

    return create


@pytest.fixture
def queue_pair(backend_env: dict[str, str]) -> Callable[..., tuple[Queue, Queue]]:
    """A fresh ingest queue + DLQ (visibility 1 s), once per S3/SQS backend."""
    return _queue_factory(backend_env)


@pytest.fixture
def local_queue_pair(stack_env: dict[str, str]) -> Callable[..., tuple[Queue, Queue]]:
    """A fresh ingest queue + DLQ (visibility 1 s) on the default backend (moto)."""
    return _queue_factory(stack_env)
