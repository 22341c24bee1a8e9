"""Profile pictures of contacts and chats: where they live in the media bucket and which one is
current.

A picture is `profile/{jid}/{picture_id}.jpg` in the media bucket (MINIO_BUCKET); WhatsApp gives
each picture an id, so a picture once stored is never fetched again. Per JID the picture seen last
(`changed_at_ms`, then the larger id) is the current one, so a replay of an older event never
overwrites a newer one.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from deeplens.domain.errors import InvalidEnvelope
from deeplens.domain.ids import canonical_jid

PICTURE_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"  # WhatsApp's ids are digits; never a path
PICTURE_PREFIX = "profile"
PICTURE_MIME = "image/jpeg"  # WhatsApp's CDN serves profile pictures as JPEG
_PICTURE_ID = re.compile(PICTURE_ID_PATTERN, re.ASCII)


def valid_picture_id(value: str) -> bool:
    return isinstance(value, str) and _PICTURE_ID.fullmatch(value) is not None


def picture_key(jid: str, picture_id: str) -> str:
    """The bucket key of one picture of `jid` (canonical)."""
    if not valid_picture_id(picture_id):
        raise InvalidEnvelope(f"picture_id: not a picture id: {picture_id!r}")
    return f"{PICTURE_PREFIX}/{canonical_jid(jid)}/{picture_id}.jpg"


def picture_order(changed_at_ms: int, picture_id: str | None) -> tuple[int, str]:
    """The order pictures of one JID are compared in: later wins, then the larger id ("" = none)."""
    return changed_at_ms, picture_id or ""


def avatar_url(jid: str, picture_id: str | None) -> str | None:
    """The API path of a JID's current picture; the id in the query makes a new picture a new URL
    (browsers may keep each one), None when there is no picture."""
    if not picture_id:
        return None
    return f"/api/pictures/{quote(jid, safe='@')}?v={quote(picture_id, safe='')}"
