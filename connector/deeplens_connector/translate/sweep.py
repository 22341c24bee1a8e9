"""The chat sweep at each connect: every joined group and every followed channel as `chat` events.

A group nobody writes in, or a channel, sends no event for weeks; without the sweep it would never
be listed in the tracking panel. After each OfflineSyncCompletedEv the pipeline asks the client for
its joined groups (full snapshots: members, community) and its followed channels, and translates
them here, with a row for status (stories: opt-in). `ChatDiff` keeps what this process already
published, so a reconnect only publishes the chats that are new or changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

from deeplens.domain.envelope import ChatUpdated, Event, LidMapped
from deeplens.domain.ids import Jid

from deeplens_connector.translate.chats import (
    chat_updated,
    translate_group_snapshot,
    translate_newsletter_snapshot,
)
from deeplens_connector.translate.common import Origin, TranslationError

SweepItem = Event | TranslationError
STATUS_JID = Jid("status@broadcast")
STATUS_NAME = "Status"


def translate_chat_sweep(
    groups: Iterable[Any], newsletters: Iterable[Any], *, session: str, now_ms: int
) -> Iterator[SweepItem]:
    """Every group snapshot (`neonize.GroupInfo`), then every channel, then the status row; a bad
    one is yielded as a TranslationError in its place and the rest goes on."""
    for group in groups:
        yield from _guarded(translate_group_snapshot, group, session, now_ms)
    for meta in newsletters:
        yield from _guarded(translate_newsletter_snapshot, meta, session, now_ms)
    yield status_row(session=session, now_ms=now_ms)


def status_row(*, session: str, now_ms: int) -> ChatUpdated:
    """`status@broadcast`, so status (opt-in, untracked until chosen) has its row in the tracking
    panel before anybody posted one."""
    return chat_updated(Origin.of(session, now_ms), "live", STATUS_JID, "status", name=STATUS_NAME)


def _guarded(translate: Any, proto: Any, session: str, now_ms: int) -> list[SweepItem]:
    try:
        return list(translate(proto, session=session, now_ms=now_ms))
    except TranslationError as error:
        return [error]


class ChatDiff:
    """What this process last published per chat and per LID pair (by the sweep): only what is new
    or changed passes, so a reconnect does not publish every group's members again."""

    def __init__(self) -> None:
        self._published: dict[str, str] = {}

    def new_snapshots(self, protos: Iterable[Any]) -> list[Any]:
        """The group / channel protos not swept before as they are now: an unchanged one is not
        even translated again (a reconnect of a big account: ~2 ms per group saved)."""
        fresh = []
        for proto in protos:
            key = _proto_key(proto)
            digest = hashlib.sha256(proto.SerializeToString(deterministic=True)).hexdigest()
            if self._published.get(key) != digest:
                self._published[key] = digest
                fresh.append(proto)
        return fresh

    def changed(self, item: SweepItem) -> bool:
        if isinstance(item, TranslationError):
            return True
        key = _key_of(item)
        if key is None:
            return True
        state = item.model_dump(mode="json", exclude={"event_id", "occurred_at_ms"})
        digest = hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()
        if self._published.get(key) == digest:
            return False
        self._published[key] = digest
        return True


def _proto_key(proto: Any) -> str:
    """A GroupInfo names its group in JID, a NewsletterMetadata its channel in ID."""
    jid = proto.ID if "ID" in proto.DESCRIPTOR.fields_by_name else proto.JID
    return f"proto:{jid.User}@{jid.Server}"


def _key_of(event: Event) -> str | None:
    if isinstance(event, ChatUpdated):
        return f"chat:{event.jid}"
    if isinstance(event, LidMapped):
        return f"lid_mapping:{event.lid}"
    return None
