"""Profile pictures for the browser, through the same delivery as media (MEDIA_DELIVERY): streamed
from the bucket with an entity tag, or a redirect to a presigned URL cached in Redis. Always a JPEG
shown inline (the allow-listed image/jpeg), whatever the bytes claim."""

from __future__ import annotations

from contextlib import suppress

from deeplens.adapters import archive_queries
from deeplens.adapters.people import current_picture
from deeplens.adapters.postgres import pooled
from deeplens.domain.errors import InvalidJid, InvalidRequest, NotFound, TransientError
from deeplens.domain.ids import canonical_jid
from deeplens.domain.media import delivery_for
from deeplens.domain.pictures import PICTURE_MIME
from deeplens.services.api import ApiDeps
from deeplens.services.media import NotModified, StoredMedia, Streamed, Unsatisfiable, open_stored


def stored_picture(deps: ApiDeps, raw_jid: str) -> StoredMedia:
    """The current picture of a chat or person (a LID answers for its phone JID); NotFound when
    none is stored."""
    try:
        jid = canonical_jid(raw_jid)
    except InvalidJid as error:
        raise InvalidRequest(str(error), "jid") from None
    with pooled(deps.pool) as conn:
        row = current_picture(conn, deps.session, archive_queries.resolve_jid(conn, deps.session, jid))
    if row is None:
        raise NotFound(f"no profile picture of {jid}", "jid")
    picture_id = str(row["picture_id"])
    return StoredMedia(picture_id, row["bucket_key"], delivery_for(PICTURE_MIME, None, picture_id))


def open_picture(
    deps: ApiDeps, jid: str, range_header: str | None, if_none_match: str | None
) -> Streamed | NotModified | Unsatisfiable:
    return open_stored(deps, stored_picture(deps, jid), range_header, if_none_match)


def picture_url(deps: ApiDeps, jid: str) -> str:
    """A presigned URL of the current picture, cached per picture for less than it lives."""
    picture = stored_picture(deps, jid)
    cache_key = f"picture_presigned_v1_{picture.key}"
    with suppress(TransientError):
        cached = deps.cache.get(cache_key)
        if cached:
            return cached
    settings = deps.settings
    url = deps.media.presign_get(
        picture.key,
        settings.presign_ttl_seconds,
        content_type=picture.delivery.content_type,
        disposition=picture.delivery.content_disposition,
    )
    with suppress(TransientError):
        deps.cache.set(cache_key, url, settings.presign_cache_seconds)
    return url
