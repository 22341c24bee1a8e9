"""The media pool against the real S3 server: stored, too big, expired, wrong bytes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from deeplens.adapters.object_store import ObjectStore
from deeplens.domain.envelope import Event, MessageSeen, parse_event
from deeplens_connector.media import MediaPool, MediaUnavailable
from deeplens_connector.sample.protos import png
from deeplens_connector.translate import MediaRef, file_id_for

from tests import factories as f

PHOTO = png(8, 8, (10, 20, 30))


def _job(message_id: str, data: bytes, declared: int | None = None) -> tuple[MessageSeen, MediaRef]:
    file_id = file_id_for(f.SESSION, f.PN, message_id)
    size = declared if declared is not None else len(data)
    media = {"file_id": file_id, "mime": "image/png", "size": size, "status": "pending",
             "sha256": hashlib.sha256(data).hexdigest()}  # fmt: skip
    event = parse_event(f.message(f.PN, message_id, f.PN, f.T0, "caption", type="image", media=media))
    assert isinstance(event, MessageSeen)
    ref = MediaRef(file_id, f.PN, message_id, "imageMessage", "image", f"/v/{message_id}", b"k", b"e",  # type: ignore[arg-type]
                   hashlib.sha256(data).digest(), size, "image/png")  # fmt: skip
    return event, ref


class _Cdn:
    """The download function: bytes by directPath, a 410 for anything else (like expired media)."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.asked: list[str] = []

    def __call__(self, ref: MediaRef) -> bytes:
        self.asked.append(ref.direct_path)
        if ref.direct_path not in self.files:
            raise MediaUnavailable("download failed with status code 410")
        return self.files[ref.direct_path]


@pytest.fixture
def pool_and_out(media_store: ObjectStore) -> Iterator[tuple[MediaPool, list[Event], _Cdn]]:
    out: list[Event] = []
    cdn = _Cdn({"/v/OK1": PHOTO, "/v/BIG1": PHOTO * 10, "/v/BAD1": b"tampered"})
    pool = MediaPool(cdn, media_store, out.append, max_bytes=len(PHOTO) * 2, workers=2, queue_size=2)
    yield pool, out, cdn
    pool.close(5)


def _run(pool: MediaPool, out: list[Event], *jobs: tuple[MessageSeen, MediaRef]) -> dict[str, Any]:
    for job in jobs:
        pool.enqueue(*job)
    assert pool.wait_idle(20)
    return {e.message_id: e.media for e in out if isinstance(e, MessageSeen)}


def test_media_lands_in_bucket_with_type_and_sha256_when_download_works(
    pool_and_out: tuple[MediaPool, list[Event], _Cdn], media_store: ObjectStore
) -> None:
    pool, out, _ = pool_and_out
    media = _run(pool, out, _job("OK1", PHOTO))["OK1"]
    assert media.status == "stored"
    assert media.key == f"{f.PN}/2025-11-24/{media.file_id}.png"
    assert media.sha256 == hashlib.sha256(PHOTO).hexdigest()
    assert media_store.get(media.key) == PHOTO
    assert media_store.content_type(media.key) == "image/png"


def test_media_is_skipped_without_download_when_declared_too_big(
    pool_and_out: tuple[MediaPool, list[Event], _Cdn],
) -> None:
    pool, out, cdn = pool_and_out
    media = _run(pool, out, _job("BIG1", PHOTO * 10))["BIG1"]
    assert (media.status, media.key) == ("skipped", None)
    assert "CONNECTOR_MEDIA_MAX_BYTES" in media.error
    assert cdn.asked == []


def test_media_is_unavailable_when_cdn_answers_410(pool_and_out: tuple[MediaPool, list[Event], _Cdn]) -> None:
    pool, out, _ = pool_and_out
    media = _run(pool, out, _job("GONE1", PHOTO))["GONE1"]
    assert media.status == "unavailable"
    assert "410" in media.error


def test_media_fails_with_reason_when_bytes_do_not_match_hash(
    pool_and_out: tuple[MediaPool, list[Event], _Cdn],
) -> None:
    pool, out, _ = pool_and_out
    message, ref = _job("BAD1", PHOTO)
    media = _run(pool, out, (message, ref))["BAD1"]
    assert media.status == "failed"
    assert "sha256" in media.error


def test_every_message_is_published_when_downloads_succeed_and_fail_together(
    pool_and_out: tuple[MediaPool, list[Event], _Cdn],
) -> None:
    pool, out, _ = pool_and_out
    jobs = [_job(i, PHOTO) for i in ("OK1", "GONE1", "GONE2", "GONE3", "GONE4")]
    statuses = {k: m.status for k, m in _run(pool, out, *jobs).items()}
    assert statuses == {"OK1": "stored", "GONE1": "unavailable", "GONE2": "unavailable",
                        "GONE3": "unavailable", "GONE4": "unavailable"}  # fmt: skip
