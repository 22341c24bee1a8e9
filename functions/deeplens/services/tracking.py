"""What is archived: per chat `is_tracked` and `auto_download_media`, mirrored into Redis so the
connector sees a change at once (key `tracking:{session}:{jid}`, JSON, no expiry)."""

from __future__ import annotations

import json
from typing import Any

from deeplens.adapters import archive_queries as archive_db
from deeplens.adapters.postgres import pooled
from deeplens.domain.errors import InvalidRequest, NotFound
from deeplens.services.api import ApiDeps, jid_param


def tracking_key(session: str, jid: str) -> str:
    return f"tracking:{session}:{jid}"


def list_tracking(deps: ApiDeps, kind: str | None) -> list[dict[str, Any]]:
    with pooled(deps.pool) as conn:
        return archive_db.tracking(conn, deps.session, kind=kind)


def update_tracking(
    deps: ApiDeps, raw_jid: str, is_tracked: bool | None, auto_download_media: bool | None
) -> dict[str, Any]:
    if is_tracked is None and auto_download_media is None:
        raise InvalidRequest("give is_tracked, auto_download_media or both", "is_tracked")
    with pooled(deps.pool) as conn:
        jid = archive_db.resolve_jid(conn, deps.session, jid_param(raw_jid, "jid"))
        changed = archive_db.update_tracking(conn, deps.session, jid, is_tracked, auto_download_media)
        if changed is None:
            raise NotFound(f"no chat {jid} in the tracking list", "jid")
        row = archive_db.tracking(conn, deps.session, jid=jid)[0]
    flags = {"is_tracked": changed["is_tracked"], "auto_download_media": changed["auto_download_media"]}
    deps.cache.set(tracking_key(deps.session, jid), json.dumps(flags))  # after the commit
    return row
