"""Retro-tracking in the pipeline: an untracked chat's content is handed to `hold_many` (the
publisher's `untracked/` prefix) besides its discovery event; with UNTRACKED_RETENTION_DAYS=0
(`hold_many` None) nothing is kept, as before."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from deeplens.domain.envelope import ChatUpdated, Event, MessageSeen
from deeplens_connector.pipeline import NOT_DOWNLOADED, Pipeline
from deeplens_connector.publish.encoded import Encoded
from deeplens_connector.tracking import ChatPolicy, Tracking
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E

from tests.unit.connector.golden_events import media
from tests.unit.connector.neonize_fixtures import BOB, SESSION, group_jid, info, jid, message_ev
from tests.unit.connector.test_pipeline_client_reads import NoMedia

T0 = 1_764_000_000_000


class GroupsUntracked:
    def policy_for(self, jid: str, kind: str) -> ChatPolicy:
        return ChatPolicy(is_tracked=kind != "group", auto_download_media=False)


def group_message(message_id: str) -> Any:
    return message_ev(
        info(message_id, group_jid(), jid(BOB, "s.whatsapp.net"), ts_ms=T0),
        E2E.Message(conversation=f"text of {message_id}"),
    )


def run(hold_many: Callable[[list[Event | Encoded]], None] | None) -> list[Event | Encoded]:
    published: list[Event | Encoded] = []
    pipeline = Pipeline(SESSION, Tracking(GroupsUntracked()), NoMedia(), published.append,  # type: ignore[arg-type]
                        own_jid=lambda: None, hold_many=hold_many)  # fmt: skip
    for message_id in ("M1", "M2"):
        pipeline.handle("message", group_message(message_id))
    return published


def test_untracked_group_content_is_held_and_only_its_discovery_is_published() -> None:
    held: list[Event | Encoded] = []
    published = run(held.extend)
    assert [type(event) for event in published] == [ChatUpdated]
    assert [event.message_id for event in held if isinstance(event, MessageSeen)] == ["M1", "M2"]
    assert all(
        isinstance(event, MessageSeen) and event.text == f"text of {event.message_id}" for event in held
    )


def test_nothing_is_held_when_retention_is_zero() -> None:
    published = run(None)
    assert [type(event) for event in published] == [ChatUpdated]


def test_held_media_is_marked_not_downloaded() -> None:
    held: list[Event | Encoded] = []
    pipeline = Pipeline(SESSION, Tracking(GroupsUntracked()), NoMedia(), lambda _: None,  # type: ignore[arg-type]
                        own_jid=lambda: None, hold_many=held.extend)  # fmt: skip
    photo = E2E.ImageMessage(mimetype="image/jpeg", **media("AA==", "AQ==", 10, "/v/p.enc"))
    ev = message_ev(
        info("P1", group_jid(), jid(BOB, "s.whatsapp.net"), ts_ms=T0), E2E.Message(imageMessage=photo)
    )
    pipeline.handle("message", ev)
    (message,) = held
    assert isinstance(message, MessageSeen) and message.media is not None
    assert (message.media.status, message.media.error) == ("skipped", NOT_DOWNLOADED)
