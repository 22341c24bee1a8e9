"""Media read-through, as MEDIA_DELIVERY says: streamed from the bucket through the API (`stream`:
same origin, same credentials, byte ranges, entity tags), or a presigned GET URL per file, signed
for MEDIA_PUBLIC_ENDPOINT and cached in Redis for less than it lives (`redirect`). Either way the
file goes out with the domain's delivery headers (inline only for allow-listed types)."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

from deeplens.adapters import archive_queries as archive_db
from deeplens.adapters.object_store import ObjectInfo, ObjectStream
from deeplens.adapters.postgres import pooled
from deeplens.domain.errors import InvalidRequest, NotFound, ObjectNotFound, TransientError
from deeplens.domain.media import (
    ByteRange,
    Delivery,
    RangeNotSatisfiable,
    delivery_for,
    entity_tag,
    etag_matches,
    parse_range,
    valid_file_id,
)
from deeplens.services.api import ApiDeps


@dataclass(frozen=True)
class StoredMedia:
    file_id: str
    key: str
    delivery: Delivery


@dataclass(frozen=True)
class Streamed:
    """The file or the requested range of it, open: the caller sends it and closes it."""

    stream: ObjectStream
    etag: str
    delivery: Delivery


@dataclass(frozen=True)
class NotModified:
    etag: str


@dataclass(frozen=True)
class Unsatisfiable:
    size: int
    reason: str


def presigned_key(file_id: str) -> str:
    # v2: URLs carry the delivery headers; a URL cached before them must not be served
    return f"media_presigned_v2_{file_id}"


def media_url(deps: ApiDeps, file_id: str) -> str:
    """Redis hit: the cached URL. Miss: presign (PRESIGN_TTL_SECONDS), cache it for
    PRESIGN_CACHE_SECONDS (shorter, so a cached URL never has expired), return it."""
    _check(file_id)
    cached = _cached_url(deps, file_id)
    if cached:
        return cached
    media = stored_media(deps, file_id)
    settings = deps.settings
    url = deps.media.presign_get(
        media.key,
        settings.presign_ttl_seconds,
        content_type=media.delivery.content_type,
        disposition=media.delivery.content_disposition,
    )
    with suppress(TransientError):  # Redis down: the URL is good anyway, the next one presigns again
        deps.cache.set(presigned_key(file_id), url, settings.presign_cache_seconds)
    return url


def _cached_url(deps: ApiDeps, file_id: str) -> str | None:
    """The cached URL; None on a miss and when Redis is down (presigning needs no Redis)."""
    try:
        return deps.cache.get(presigned_key(file_id))
    except TransientError:
        return None


def open_media(
    deps: ApiDeps, file_id: str, range_header: str | None, if_none_match: str | None
) -> Streamed | NotModified | Unsatisfiable:
    """The file (or one byte range of it) opened in the bucket, 304 when the caller's entity tag
    still matches, 416 when the range is malformed or starts past the end. One GetObject; a HEAD
    first only for If-None-Match and suffix ranges (S3 servers disagree on `bytes=-N`)."""
    return open_stored(deps, stored_media(deps, file_id), range_header, if_none_match)


def open_stored(
    deps: ApiDeps, media: StoredMedia, range_header: str | None, if_none_match: str | None
) -> Streamed | NotModified | Unsatisfiable:
    """open_media for an object already looked up (a media file, a profile picture)."""
    file_id = media.file_id
    try:
        wanted = parse_range(range_header)
    except RangeNotSatisfiable as error:
        return Unsatisfiable(_head(deps, media.key).size, str(error))
    info = _head(deps, media.key) if if_none_match or (wanted and wanted.is_suffix) else None
    if info is not None and etag_matches(if_none_match, entity_tag(info.etag, file_id, info.size)):
        return NotModified(entity_tag(info.etag, file_id, info.size))
    try:
        stream = _open(deps, media.key, _s3_range(wanted, info))
    except RangeNotSatisfiable as error:
        size = error.size if error.size is not None else _head(deps, media.key).size
        return Unsatisfiable(size, f"{range_header} is outside the file ({size} bytes)")
    return Streamed(stream, entity_tag(stream.etag, file_id, stream.size), media.delivery)


def stored_media(deps: ApiDeps, file_id: str) -> StoredMedia:
    """The bucket key and delivery headers of a downloaded file; NotFound otherwise."""
    _check(file_id)
    with pooled(deps.pool) as conn:
        row = archive_db.media_object(conn, deps.session, file_id)
    if row is None:
        raise NotFound(f"no media {file_id}", "file_id")
    if row["bucket_key"] is None:
        raise NotFound(f"media {file_id} was not downloaded (status {row['status']})", "file_id")
    return StoredMedia(file_id, row["bucket_key"], delivery_for(row["mime"], row["file_name"], file_id))


def media_thumbnail(deps: ApiDeps, file_id: str) -> bytes:
    """The small inline thumbnail WhatsApp sends with a media message (JPEG)."""
    _check(file_id)
    with pooled(deps.pool) as conn:
        thumbnail = archive_db.media_thumbnail(conn, deps.session, file_id)
    if thumbnail is None:
        raise NotFound(f"no thumbnail for media {file_id}", "file_id")
    return thumbnail


def _s3_range(wanted: ByteRange | None, info: ObjectInfo | None) -> str | None:
    """The Range for GetObject: first-last and first- as asked, a suffix resolved to first-last."""
    if wanted is None or not wanted.is_suffix:
        return None if wanted is None else wanted.header()
    assert info is not None  # a suffix range is asked with the object's size at hand
    span = wanted.resolve(info.size)
    if span is None:
        raise RangeNotSatisfiable(f"{wanted.header()} selects no byte", info.size)
    return f"bytes={span[0]}-{span[1]}"


def _head(deps: ApiDeps, key: str) -> ObjectInfo:
    try:
        return deps.media.head(key)
    except ObjectNotFound:
        raise NotFound("the media file is missing from the bucket", "file_id") from None


def _open(deps: ApiDeps, key: str, byte_range: str | None) -> ObjectStream:
    try:
        return deps.media.open(key, byte_range)
    except ObjectNotFound:
        raise NotFound("the media file is missing from the bucket", "file_id") from None


def _check(file_id: str) -> None:
    if not valid_file_id(file_id):
        raise InvalidRequest("a file id is 8-128 of A-Z a-z 0-9 _ -", "file_id")
