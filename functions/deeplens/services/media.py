"""Media read-through: a presigned GET URL per file, cached in Redis for less than it lives."""

from __future__ import annotations

from deeplens.adapters import archive_queries as archive_db
from deeplens.adapters.archive_queries import pooled
from deeplens.domain.errors import InvalidRequest, NotFound
from deeplens.domain.media import valid_file_id
from deeplens.services.api import ApiDeps


def presigned_key(file_id: str) -> str:
    return f"media_presigned_{file_id}"


def media_url(deps: ApiDeps, file_id: str) -> str:
    """Redis hit: the cached URL. Miss: presign (PRESIGN_TTL_SECONDS), cache it for
    PRESIGN_CACHE_SECONDS (shorter, so a cached URL never has expired), return it."""
    _check(file_id)
    cached = deps.cache.get(presigned_key(file_id))
    if cached:
        return cached
    with pooled(deps.pool) as conn:
        row = archive_db.media_object(conn, deps.session, file_id)
    if row is None:
        raise NotFound(f"no media {file_id}", "file_id")
    if row["bucket_key"] is None:
        raise NotFound(f"media {file_id} was not downloaded (status {row['status']})", "file_id")
    settings = deps.settings
    url = deps.media.presign_get(row["bucket_key"], settings.presign_ttl_seconds, row["file_name"])
    deps.cache.set(presigned_key(file_id), url, settings.presign_cache_seconds)
    return url


def media_thumbnail(deps: ApiDeps, file_id: str) -> bytes:
    """The small inline thumbnail WhatsApp sends with a media message (JPEG)."""
    _check(file_id)
    with pooled(deps.pool) as conn:
        thumbnail = archive_db.media_thumbnail(conn, deps.session, file_id)
    if thumbnail is None:
        raise NotFound(f"no thumbnail for media {file_id}", "file_id")
    return thumbnail


def _check(file_id: str) -> None:
    if not valid_file_id(file_id):
        raise InvalidRequest("a file id is 8-128 of A-Z a-z 0-9 _ -", "file_id")
