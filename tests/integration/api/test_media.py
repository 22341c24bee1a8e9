"""Media read-through: Redis hit -> 302; miss -> presign, cache 3300 s, 302; thumbnails inline."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from deeplens.adapters.cache import make_redis
from deeplens.domain.media import media_key
from deeplens.services.api import ApiDeps
from deeplens.services.media import presigned_key

from tests import factories as f
from tests.golden.goldens import load_golden
from tests.integration.api.conftest import CountingStore
from tests.integration.api.transport import ApiClient

THUMBNAIL = base64.b64decode(load_golden("message_image")["media"]["thumbnail_b64"])


@pytest.fixture
def stored_file(
    ingest: Callable[[list[dict[str, Any]]], None], media_store: CountingStore, api_deps: ApiDeps
) -> tuple[str, bytes]:
    """A media message whose decrypted file is in the bucket; its file id is new for each test."""
    file_id, body = f"T{uuid.uuid4().hex}", os.urandom(2048)
    key = media_key(f.PN, f.T0, file_id, "jpg")
    media_store.store.put(key, body, "image/jpeg")
    media = f.media(file_id, "stored", key, thumbnail_b64=base64.b64encode(THUMBNAIL).decode())
    ingest([f.message(f.PN, "IMG1", f.PN, f.T0, None, type="image", media=media)])
    api_deps.cache.delete(presigned_key(file_id))
    return file_id, body


def test_first_request_presigns_and_caches_when_redis_has_no_url(
    client: ApiClient, stored_file: tuple[str, bytes], media_store: CountingStore, api_deps: ApiDeps
) -> None:
    file_id, body = stored_file
    reply = client.get(f"/api/media/{file_id}")
    assert reply.status == 302
    assert len(media_store.presigned) == 1
    cached = api_deps.cache.get(presigned_key(file_id))
    assert cached == reply.headers["location"]
    assert 3290 <= make_redis(api_deps.settings).ttl(presigned_key(file_id)) <= 3300
    assert httpx.get(reply.headers["location"], timeout=10).content == body


def test_second_request_redirects_without_s3_when_url_is_cached(
    client: ApiClient, stored_file: tuple[str, bytes], media_store: CountingStore
) -> None:
    file_id, _ = stored_file
    first = client.get(f"/api/media/{file_id}")
    second = client.get(f"/api/media/{file_id}")
    assert second.status == 302
    assert second.headers["location"] == first.headers["location"]
    assert len(media_store.presigned) == 1
    assert second.headers["cache-control"].startswith("private")


def test_presigned_url_expires_after_an_hour_when_issued(
    client: ApiClient, stored_file: tuple[str, bytes]
) -> None:
    location = client.get(f"/api/media/{stored_file[0]}").headers["location"]
    assert "X-Amz-Expires=3600" in location


@pytest.mark.parametrize(
    ("file_id", "status", "code"),
    [
        ("Tunknown00000000", 404, "not_found"),
        ("F0000000000000B7", 404, "not_found"),  # known, never downloaded
        ("short", 400, "invalid_request"),
        ("bad.id.with.dots", 400, "invalid_request"),
        ("%2E%2E%2Fsecrets", 404, "not_found"),  # decoded to a path: no route matches
    ],
)
@pytest.mark.usefixtures("story")
def test_media_is_refused_when_unknown_not_stored_or_malformed(
    client: ApiClient, media_store: CountingStore, file_id: str, status: int, code: str
) -> None:
    reply = client.get(f"/api/media/{file_id}")
    assert (reply.status, reply.json()["error"]["code"]) == (status, code)
    assert media_store.presigned == []


def test_thumbnail_is_served_inline_with_cache_headers_when_present(
    client: ApiClient, stored_file: tuple[str, bytes]
) -> None:
    reply = client.get(f"/api/media/{stored_file[0]}/thumbnail")
    assert (reply.status, reply.body) == (200, THUMBNAIL)
    assert reply.headers["content-type"] == "image/jpeg"
    assert "max-age=86400" in reply.headers["cache-control"]
    again = client.get(
        f"/api/media/{stored_file[0]}/thumbnail", headers={"if-none-match": reply.headers["etag"]}
    )
    assert (again.status, again.body) == (304, b"")


@pytest.mark.usefixtures("story")
def test_thumbnail_answers_404_when_media_has_none(client: ApiClient) -> None:
    assert client.get("/api/media/F0000000000000A3/thumbnail").status == 404
