"""The API with Redis down (pointed at a closed port), through the Lambda transport: what each use
of Redis does without it (docs/decisions.md, 2026-12-06).

- media URLs: presigned without the cache (302, the URL works), and fast (the cache pauses Redis);
- connector state: the last one kept in PostgreSQL;
- login: refused with 503 (the attempt limiter fails closed), while sessions already issued work;
- connector commands: 503 (Redis is their only channel to the connector)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import httpx
import psycopg
import pytest
from deeplens.entrypoints.api import make_handler
from deeplens.services.api import ApiDeps
from deeplens.settings import ApiSettings

from tests import factories as f
from tests.integration.api.conftest import PASSWORD, CountingStore
from tests.integration.api.test_media import Ingest, _store_into
from tests.integration.api.transport import ApiClient, LambdaTransport

CLOSED_PORT = 1


@pytest.fixture
def redis_down(
    make_api_deps: Callable[[ApiSettings], ApiDeps], api_settings: ApiSettings, client: ApiClient
) -> Iterator[ApiClient]:
    """A client of an API whose Redis is unreachable, carrying a session issued while it was up."""
    settings = api_settings.model_copy(update={"redis_port": CLOSED_PORT, "media_delivery": "redirect"})
    transport = LambdaTransport(make_handler(make_api_deps(settings)))
    down = ApiClient(transport, "lambda")
    down.cookie = client.cookie
    yield down
    transport.close()


def test_media_is_presigned_without_the_cache_when_redis_is_down(
    redis_down: ApiClient, ingest: Ingest, media_store: CountingStore
) -> None:
    stored = _store_into(media_store.store, ingest)()
    started = time.monotonic()
    first = redis_down.get(f"/api/media/{stored.file_id}")
    second = redis_down.get(f"/api/media/{stored.file_id}")
    assert (first.status, second.status) == (302, 302)
    assert media_store.presigned.count(stored.key) == 2  # nothing cached, each one presigned
    assert time.monotonic() - started < 2  # one quick retry, then the cache leaves Redis alone
    assert httpx.get(first.headers["location"], timeout=10).content == stored.body


def test_session_shows_the_state_kept_in_postgres_when_redis_is_down(
    redis_down: ApiClient, database_url: str
) -> None:
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "INSERT INTO connector_status (session_id, state) VALUES (%s, 'connected')", (f.SESSION,)
        )
    reply = redis_down.get("/api/session")
    assert reply.status == 200 and reply.json()["state"] == "connected"


def test_login_fails_closed_but_issued_sessions_work_when_redis_is_down(redis_down: ApiClient) -> None:
    fresh = ApiClient(redis_down.transport, "lambda")
    refused = fresh.login(PASSWORD)
    assert refused.status == 503 and refused.headers["retry-after"] == "5"
    assert redis_down.get("/api/chats").status == 200


def test_connector_command_answers_503_when_redis_is_down(redis_down: ApiClient) -> None:
    assert redis_down.request("POST", "/api/connector/restart").status == 503
