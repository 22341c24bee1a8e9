"""Real neonize protobufs, fed through neonize's own dispatcher, translate to the golden envelopes."""

from __future__ import annotations

from typing import Any

import pytest
from deeplens.domain.envelope import MessageSeen, dump_event, parse_event
from deeplens_connector.translate import bucket_key_for, with_media_outcome
from neonize.proto import Neonize_pb2 as N

from tests.golden.goldens import golden_names, load_golden
from tests.unit.connector import golden_chats as chats
from tests.unit.connector import golden_events as story
from tests.unit.connector import golden_timeline as timeline
from tests.unit.connector.golden_events import SAMSTAG, T0, Case, live
from tests.unit.connector.neonize_fixtures import ANNA, Capture, jid, receipt


def at(offset_s: int, build: Any, **case: Any) -> Case:
    """An event the connector sees at the moment it happens (T0 + offset)."""
    return Case(lambda: build(T0 + offset_s * 1000), T0 + offset_s * 1000, **case)


def receipt_at(ts_s: int, ids: list[str], kind: int) -> Case:
    return Case(lambda: receipt(jid(ANNA), jid(ANNA), ids, ts_s=ts_s, kind=kind), ts_s * 1000)


HISTORY = at(5, chats.history_chunk)
CASES: dict[str, Case] = {
    "message_text": live(
        T0, lambda t: story.anna_says("3EB0C767D26A1D6B8A2F", t, story.text("Hallo! Bist du heute Abend da?"))
    ),
    "message_image": live(T0 + 60_000, story.image, media_status="stored"),
    "message_voice": live(T0 + 120_000, story.voice, media_status="stored"),
    "message_audio": live(T0 + 180_000, story.audio, media_status="stored"),
    "message_sticker": live(T0 + 240_000, story.sticker, media_status="stored"),
    "message_location": live(T0 + 300_000, story.location),
    "message_contact": live(T0 + 360_000, story.contact),
    "message_video": live(T0 + 420_000, story.video, media_status="skipped"),
    "message_document": live(
        T0 + 480_000,
        story.document,
        media_status="failed",
        media_error="download failed with status code 403",
    ),
    "message_poll": live(T0 + 540_000, story.poll),
    "message_text_lid_sender": live(T0 + 600_000, story.lid_sender),
    "message_text_quoted_mentions": live(T0 + 660_000, story.quoted_mentions),
    "message_unknown": live(T0 + 720_000, story.unknown),
    "message_text_flags": live(T0 + 780_000, story.forwarded_to_all),
    "message_state_pinned": at(700, story.pinned),
    "message_state_kept": at(400, story.kept),
    "message_state_starred": HISTORY,
    "call_offer": at(1200, story.call_offer),
    "call_terminate": at(1245, story.call_terminate),
    "call_log": HISTORY,
    "edit": at(30, story.edit),
    "reaction": at(90, story.reaction("❤️")),
    "reaction_removed": at(95, story.reaction("")),
    "poll_vote": at(610, story.poll_vote, vote=SAMSTAG),
    "revoke": at(900, story.revoke),
    "revoke_admin": at(960, story.revoke_admin),
    "receipt": receipt_at(1_764_000_320, ["3EB05A1C9F3D2B7E6A41", "3EB04D5E6F708192A3B4"], N.Receipt.READ),
    "receipt_played": receipt_at(1_764_000_200, ["3EB0F7E6D5C4B3A29180"], N.Receipt.PLAYED),
    "chat_group": at(6, chats.joined_sub_group),
    "chat_community": at(6, chats.joined_community),
    "chat_newsletter": at(7, chats.followed_newsletter),
    "chat_direct": HISTORY,
    "contact": HISTORY,
    "lid_mapping": HISTORY,
    "message_text_history": HISTORY,
    "edit_sealed": at(45, story.sealed_edit, secrets=(story.ANNA_HALLO,)),
    "message_unknown_sealed": live(T0 + 840_000, story.sealed_unknown_secret),
    "picture_removed": at(1300, story.picture_removed),
    "message_newsletter": live(T0 + 900_000, story.newsletter_image, media_status="stored"),
    "edit_newsletter": at(1500, story.newsletter_edit),
    "message_status": live(T0 + 960_000, story.anna_posts_status, media_status="stored"),
}
CASES |= {  # the timeline's group changes (GroupInfoEv) and the history's chat state
    "group_change_subject": at(1500, timeline.anna_renames_the_group),
    "group_change_added": at(1500, timeline.bob_adds_carla_and_makes_anna_admin),
    "chat_state": HISTORY,
}
# The connection state machine writes these (not a translation of one neonize event); the stored
# chat state is a row of the session store (test_chat_state.py).
NOT_FROM_NEONIZE_EVENTS = {"connection", "connection_logged_out", "chat_state_store"}

NOT_FROM_NEONIZE_EVENTS |= {"picture"}  # the picture fetcher writes it (test_picture_fetcher.py)


def translated(case: Case, event_id: str) -> Any:
    capture = Capture(now_ms=case.now_ms, vote=case.vote, secrets=case.secrets).feed(case.build())
    assert capture.errors == []
    [event] = [event for event in capture.events if event.event_id == event_id]
    return event


def settled(event: Any, case: Case) -> Any:
    """What the media worker makes of the pending media: stored under its bucket key, or not."""
    assert isinstance(event, MessageSeen) and event.media is not None and event.media.status == "pending"
    key = bucket_key_for(event) if case.media_status == "stored" else None
    return with_media_outcome(event, case.media_status or "", key=key, error=case.media_error)


@pytest.mark.parametrize("name", sorted(CASES))
def test_neonize_event_translates_to_the_golden_when_fed_through_the_dispatcher(name: str) -> None:
    golden = load_golden(name)
    case = CASES[name]
    event = translated(case, golden["event_id"])
    if case.media_status is not None:
        event = settled(event, case)
    assert dump_event(event) == golden
    assert parse_event(dump_event(event)) == event


def test_every_golden_is_produced_from_neonize_events_when_it_is_a_translation() -> None:
    assert set(CASES) | NOT_FROM_NEONIZE_EVENTS == set(golden_names())
    assert not set(CASES) & NOT_FROM_NEONIZE_EVENTS
