"""API fixtures: ApiDeps on a fresh database, an archive seeded through the real ingest, and a
client per transport (uvicorn over a socket, and API Gateway v2 events through Mangum)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from deeplens.adapters.cache import Cache, make_redis
from deeplens.adapters.object_store import ObjectInfo, ObjectStore, ObjectStream, make_s3_client
from deeplens.bootstrap import make_pool
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.entrypoints.api import make_handler
from deeplens.entrypoints.http.app import create_app
from deeplens.services.api import ApiDeps
from deeplens.services.ingest import IngestDeps, ingest_record
from deeplens.settings import ApiSettings

from tests import factories as f
from tests.integration.api.transport import ApiClient, LambdaTransport, UvicornTransport
from tests.integration.services.test_ingest_archive import inline_record
from tests.support import settings_from

PASSWORD = "correct horse battery staple"
TRANSPORTS = ("uvicorn", "lambda")


class CountingStore:
    """The real media ObjectStore, counting the presign calls that reach it."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store
        self.presigned: list[str] = []

    def presign_get(
        self,
        key: str,
        expires_s: int = 3600,
        *,
        content_type: str | None = None,
        disposition: str | None = None,
    ) -> str:
        self.presigned.append(key)
        return self.store.presign_get(key, expires_s, content_type=content_type, disposition=disposition)

    def head(self, key: str) -> ObjectInfo:
        return self.store.head(key)

    def open(self, key: str, byte_range: str | None = None) -> ObjectStream:
        return self.store.open(key, byte_range)

    def exists(self, key: str) -> bool:
        return self.store.exists(key)


@pytest.fixture
def api_settings(stack_env: dict[str, str], database_url: str, tmp_path: Path) -> ApiSettings:
    settings: ApiSettings = settings_from(
        ApiSettings,
        stack_env,
        database_url=database_url,
        admin_password=PASSWORD,
        session_id=f.SESSION,
        frontend_dir=tmp_path / "no-frontend",
    )
    return settings


@pytest.fixture
def media_store(stack_env: dict[str, str], api_settings: ApiSettings) -> CountingStore:
    return CountingStore(ObjectStore(make_s3_client(api_settings), api_settings.minio_bucket))


@pytest.fixture
def make_api_deps(media_store: CountingStore) -> Iterator[Callable[[ApiSettings], ApiDeps]]:
    pools: list[Any] = []

    def build(settings: ApiSettings) -> ApiDeps:
        pool = make_pool(settings.database_url.get_secret_value())
        pools.append(pool)
        return ApiDeps(settings, pool, Cache(make_redis(settings)), media_store)

    yield build
    for pool in pools:
        pool.close()


@pytest.fixture
def api_deps(make_api_deps: Callable[[ApiSettings], ApiDeps], api_settings: ApiSettings) -> ApiDeps:
    deps = make_api_deps(api_settings)
    deps.cache.delete("login_attempts:127.0.0.1")  # the uvicorn transport's client address
    return deps


@pytest.fixture
def ingest(database_url: str, make_deps: Callable[..., IngestDeps]) -> Callable[[list[dict[str, Any]]], None]:
    deps = make_deps(database_url, TrackingPolicy(track_groups=True, track_private=True))

    def apply(events: list[dict[str, Any]]) -> None:
        ingest_record(inline_record(events, f"api-{uuid.uuid4().hex[:12]}"), deps)

    return apply


@pytest.fixture
def story(ingest: Callable[[list[dict[str, Any]]], None]) -> None:
    """The factories' story: Anna's direct chat, the Team group, edits, reactions, media, a poll."""
    ingest(f.story())


def _transport(kind: str, deps: ApiDeps) -> UvicornTransport | LambdaTransport:
    return UvicornTransport(create_app(deps)) if kind == "uvicorn" else LambdaTransport(make_handler(deps))


@pytest.fixture(params=TRANSPORTS)
def anonymous(request: pytest.FixtureRequest, api_deps: ApiDeps) -> Iterator[ApiClient]:
    """A client without credentials, once per transport."""
    transport = _transport(request.param, api_deps)
    yield ApiClient(transport, request.param)
    transport.close()


@pytest.fixture
def client(anonymous: ApiClient) -> ApiClient:
    """A client logged in as the admin (session cookie), once per transport."""
    assert anonymous.login(PASSWORD).status == 200
    return anonymous
