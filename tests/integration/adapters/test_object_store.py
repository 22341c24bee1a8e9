"""The S3 adapter against both local backends (s3rver and LocalStack with SigV4 checks)."""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
import uuid

import pytest
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.domain.errors import ObjectNotFound, TransientError
from deeplens.settings import S3Settings

from tests.support import settings_from

WHATSAPP_KEY = "4915112345678@s.whatsapp.net/2026-11-25/3EB0C767D26A1D6B8A2F.jpg"


def _fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_object_round_trips_with_type_and_sha256_when_put(object_store: ObjectStore, prefix: str) -> None:
    body = b"\xff\xd8\xff" + bytes(range(256)) * 40
    digest = object_store.put(prefix + WHATSAPP_KEY, body, "image/jpeg")
    assert digest == hashlib.sha256(body).hexdigest()
    assert object_store.get(prefix + WHATSAPP_KEY) == body
    assert object_store.content_type(prefix + WHATSAPP_KEY) == "image/jpeg"


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("image/jpeg\r\nX-Injected: 1", "application/octet-stream"),  # a sender's type is hostile
        ("audio/ogg; codecs=opus", "audio/ogg"),
        ("Video/MP4", "video/mp4"),
        ("", "application/octet-stream"),
    ],
)
def test_object_is_stored_when_the_sender_type_is_not_a_header_value(
    object_store: ObjectStore, prefix: str, sent: str, stored: str
) -> None:
    object_store.put(prefix + "hostile-type.bin", b"data", sent)
    assert object_store.content_type(prefix + "hostile-type.bin") == stored


def test_presigned_url_downloads_the_bytes_when_key_has_whatsapp_jid(
    object_store: ObjectStore, prefix: str
) -> None:
    object_store.put(prefix + WHATSAPP_KEY, b"picture-bytes", "image/jpeg")
    status, body = _fetch(object_store.presign_get(prefix + WHATSAPP_KEY, expires_s=60))
    assert (status, body) == (200, b"picture-bytes")


def test_presigned_url_is_refused_when_tampered_on_localstack(
    stack_envs: dict[str, dict[str, str]], prefix: str
) -> None:
    # Only LocalStack verifies SigV4 (s3rver does not, docs/local-stack.md), so this runs there alone.
    object_store = ObjectStore(
        make_s3_client(settings_from(S3Settings, stack_envs["localstack"])), "whatsapp-media"
    )
    object_store.put(prefix + "a.txt", b"secret", "text/plain")
    url = object_store.presign_get(prefix + "a.txt", expires_s=60)
    status, _ = _fetch(url.replace("X-Amz-Signature=", "X-Amz-Signature=0"))
    assert status == 403


def test_raises_not_found_when_key_is_unknown(object_store: ObjectStore, prefix: str) -> None:
    with pytest.raises(ObjectNotFound):
        object_store.get(prefix + "missing.bin")
    assert not object_store.exists(prefix + "missing.bin")


def test_lists_keys_in_order_after_marker_when_prefix_given(object_store: ObjectStore, prefix: str) -> None:
    for name in ("b", "a", "c", "d"):
        object_store.put(f"{prefix}events/{name}.jsonl.gz", b"x", "application/gzip")
    assert list(object_store.keys(prefix + "events/", start_after=f"{prefix}events/b.jsonl.gz")) == [
        f"{prefix}events/c.jsonl.gz",
        f"{prefix}events/d.jsonl.gz",
    ]


def test_raises_transient_when_server_unreachable() -> None:
    settings = S3Settings(
        minio_endpoint="127.0.0.1", minio_port=9, minio_access_key="x", minio_secret_key="y"
    )
    store = ObjectStore(make_s3_client(settings), "whatsapp-media")
    with pytest.raises(TransientError):
        store.put("k", b"v", "text/plain")


def test_lists_past_the_first_page_in_key_order_when_a_prefix_holds_over_1000_keys(
    backend_env: dict[str, str],
) -> None:
    """s3rver 3.7.1 fails every truncated ListObjectsV2; the listing must page on every backend."""
    settings: S3Settings = settings_from(S3Settings, backend_env)
    store = ObjectStore(make_s3_client(settings), settings.events_bucket)
    prefix = f"paging-{uuid.uuid4().hex[:8]}/2026/01/01/"
    keys = [f"{prefix}{index:05d}.jsonl.gz" for index in range(1005)]
    for key in keys:
        store.put(key, b"x", "application/gzip")
    assert [key for key, _ in store.objects(prefix)] == keys
    assert [key for key, _ in store.objects(prefix, start_after=keys[999])] == keys[1000:]
