"""Connector fixtures: settings on the test stack with a fresh archive database and queue."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.settings import S3Settings
from deeplens_connector.settings import ConnectorSettings

from tests.support import settings_from


@pytest.fixture
def session_id() -> str:
    return f"t_{uuid.uuid4().hex[:10]}"  # own Redis keys and advisory lock per test


@pytest.fixture
def connector_settings(
    stack_env: dict[str, str], database_url: str, session_id: str, tmp_path: Path
) -> Callable[..., ConnectorSettings]:
    def build(**overrides: Any) -> ConnectorSettings:
        fields = {
            "database_url": database_url,
            "session_id": session_id,
            "connector_spool_dir": tmp_path / "spool",
            "connector_batch_max_ms": 20,
            **overrides,
        }
        return settings_from(ConnectorSettings, stack_env, **fields)  # type: ignore[no-any-return]

    return build


@pytest.fixture
def redis_client(stack_env: dict[str, str]) -> Iterator[redis.Redis[str]]:
    client: redis.Redis[str] = redis.Redis(
        host=stack_env["REDIS_HOST"], port=int(stack_env["REDIS_PORT"]), decode_responses=True
    )
    yield client
    client.close()


@pytest.fixture
def media_store(stack_env: dict[str, str]) -> ObjectStore:
    settings: S3Settings = settings_from(S3Settings, stack_env)
    return ObjectStore(make_s3_client(settings), settings.minio_bucket)
