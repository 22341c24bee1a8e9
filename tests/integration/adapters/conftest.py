from __future__ import annotations

import uuid
from typing import Any

import pytest
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.adapters.queue import make_sqs_client
from deeplens.settings import QueueSettings, S3Settings

from tests.support import settings_from


@pytest.fixture
def s3_settings(backend_env: dict[str, str]) -> S3Settings:
    settings: S3Settings = settings_from(S3Settings, backend_env)
    return settings


@pytest.fixture
def object_store(s3_settings: S3Settings) -> ObjectStore:
    return ObjectStore(make_s3_client(s3_settings), s3_settings.minio_bucket)


@pytest.fixture
def sqs(backend_env: dict[str, str]) -> Any:
    queue_settings = settings_from(QueueSettings, backend_env)
    return make_sqs_client(queue_settings, settings_from(S3Settings, backend_env))


@pytest.fixture
def prefix() -> str:
    return f"test-{uuid.uuid4().hex[:8]}/"
