"""Profile pictures: neonize's PictureEv and a fetched picture as `picture` events.

WhatsApp says only *that* a picture changed (PictureEv: JID, author, time, removed); the new
picture itself is asked for (`get_profile_picture`) and downloaded by `deeplens_connector.pictures`.
A removal needs no fetch: it is published at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deeplens.domain.envelope import PictureChanged
from deeplens.domain.ids import Jid
from deeplens.domain.pictures import picture_key

from deeplens_connector.translate.common import event_id, translating
from deeplens_connector.translate.jids import jid_of, required_jid


@dataclass(frozen=True)
class PictureChange:
    """What a PictureEv says (its Timestamp is in seconds)."""

    jid: Jid
    author: Jid | None
    at_ms: int
    removed: bool


def picture_change(ev: Any) -> PictureChange:
    with translating("picture change"):
        return PictureChange(required_jid(ev.JID, "JID"), jid_of(ev.Author), ev.Timestamp * 1000, ev.Remove)


def picture_event(
    jid: str,
    picture_id: str | None,
    *,
    session: str,
    now_ms: int,
    changed_at_ms: int | None = None,
    author: str | None = None,
) -> PictureChanged:
    """`picture_id` None: no picture. `changed_at_ms` defaults to now (when it was fetched)."""
    at = now_ms if changed_at_ms is None else changed_at_ms
    return PictureChanged(
        event_id=event_id("picture", jid, picture_id or "none", at),
        session=session,
        occurred_at_ms=now_ms,
        source="live",
        jid=jid,
        picture_id=picture_id,
        key=picture_key(jid, picture_id) if picture_id is not None else None,
        author_jid=author,
        changed_at_ms=at,
    )


def translate_picture(ev: Any, *, session: str, now_ms: int) -> list[PictureChanged]:
    """A removed picture as its event; [] for a new one (it has to be fetched first)."""
    change = picture_change(ev)
    if not change.removed:
        return []
    with translating(f"picture of {change.jid}"):
        return [
            picture_event(
                change.jid, None, session=session, now_ms=now_ms, changed_at_ms=change.at_ms,
                author=change.author,
            )
        ]  # fmt: skip
