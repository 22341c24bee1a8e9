"""Senders by name and number, matching archived copies, stable ids and the envelopes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from deeplens.domain.batch import decode_batch, encode_batch
from deeplens.domain.chat_export.dedup import ArchivedMessage, ImportCandidate, match_archive
from deeplens.domain.chat_export.identity import Identities, parse_mapping, resolve_senders, synthetic_jid
from deeplens.domain.chat_export.parse import parse_export
from deeplens.domain.chat_export.plan import MediaFile, Target, events_for, plan_messages
from deeplens.domain.envelope import MessageSeen, parse_event
from deeplens.domain.errors import InvalidExport

from tests.unit.domain.chat_export.builders import android_line, export_text

GROUP = "120363012345678901@g.us"
ANNA = "4915112345678@s.whatsapp.net"
ME = "4917000000001@s.whatsapp.net"
BERLIN = ZoneInfo("Europe/Berlin")


def test_senders_by_mapping_me_phone_archive_and_synthetic() -> None:
    known = Identities(
        GROUP, me_name="Me Myself", me_jid=ME,
        mapping=parse_mapping(["Carla C=4915199999999@s.whatsapp.net"]),
        known_names=[(ANNA, "Anna"), ("4915100000001@s.whatsapp.net", "Twin"),
                     ("4915100000002@s.whatsapp.net", "Twin")],
    )  # fmt: skip
    senders = resolve_senders(["Me Myself", "anna", "+49 151 2345 678", "Carla C", "Twin", "Stranger"], known)
    assert {name: (s.jid, s.from_me, s.how) for name, s in senders.items()} == {
        "Me Myself": (ME, True, "me"),
        "anna": (ANNA, False, "archive name"),
        "+49 151 2345 678": ("491512345678@s.whatsapp.net", False, "phone number"),
        "Carla C": ("4915199999999@s.whatsapp.net", False, "mapped"),
        "Twin": (synthetic_jid("Twin"), False, "synthetic"),
        "Stranger": (synthetic_jid("Stranger"), False, "synthetic"),
    }
    assert synthetic_jid("Stranger") == synthetic_jid(" stranger ")
    assert synthetic_jid("Stranger").startswith("000") and synthetic_jid("Stranger").endswith("@lid")


def test_direct_chat_other_party_is_the_chat() -> None:
    senders = resolve_senders(["Me", "Anna"], Identities(ANNA, me_name="Me", me_jid=ME))
    assert (senders["Anna"].jid, senders["Anna"].how) == (ANNA, "direct chat")


def test_you_is_the_account_unless_another_name_is_given() -> None:
    senders = resolve_senders(["You", "Anna"], Identities(GROUP, me_jid=ME, known_names=[(ANNA, "Anna")]))
    assert {name: (s.jid, s.from_me, s.how) for name, s in senders.items()} == {
        "You": (ME, True, "me"),
        "Anna": (ANNA, False, "archive name"),
    }
    named = resolve_senders(["You", "Me"], Identities(GROUP, me_name="Me", me_jid=ME))
    assert (named["Me"].how, named["You"].how) == ("me", "synthetic")  # "You" is then just a name


def test_bad_mapping_is_named() -> None:
    with pytest.raises(InvalidExport, match="--map 'Anna=nobody'"):
        parse_mapping(["Anna=nobody"])


T = 1_609_459_140_000  # 2020-12-31 23:59 UTC


def candidate(message_id: str, text: str | None, at: int = T, *, media: bool = False) -> ImportCandidate:
    return ImportCandidate(message_id, ANNA, False, "Anna", at, text, media)


def archived(message_id: str, text: str | None, at: int = T, **extra: object) -> ArchivedMessage:
    fields: dict[str, object] = dict(sender_jid=ANNA, sender_alt_jid=None, from_me=False, push_name=None,
                                     timestamp_ms=at, text=text, has_media=False)  # fmt: skip
    fields.update(extra)
    return ArchivedMessage(message_id, **fields)  # type: ignore[arg-type]


def test_matching_same_minute_sender_and_normalized_text_once() -> None:
    lines = [candidate("I1", "hello  world"), candidate("I2", "hello world"),
             candidate("I3", None, media=True), candidate("I4", "other minute", T + 60_000),
             candidate("I5", "imported before")]  # fmt: skip
    copies = [archived("LIVE1", "hello\nworld", T + 30_000), archived("H1", None, has_media=True),
              archived("X", "other minute", T), archived("I5", "imported before")]  # fmt: skip
    matches = match_archive(lines, copies)
    assert matches.matched == {"I1": "LIVE1", "I3": "H1"}
    assert matches.already_imported == {"I5"}


def test_a_different_sender_does_not_match_unless_the_push_name_does() -> None:
    other = archived("L", "hi", sender_jid="4915100000009@s.whatsapp.net")
    assert match_archive([candidate("I", "hi")], [other]).matched == {}
    named = archived("L", "hi", sender_jid="000123@lid", push_name="anna")
    assert match_archive([candidate("I", "hi")], [named]).matched == {"I": "L"}


def _plan(text: str, chat: str = GROUP) -> list[MessageSeen]:
    parsed = parse_export(text)
    senders = resolve_senders(parsed.senders, Identities(chat, me_name="Me", me_jid=ME))
    media = {"IMG-20201231-WA0001.jpg": MediaFile("IMG-20201231-WA0001.jpg", 12, "ab" * 32)}
    planned = plan_messages(parsed.messages, senders, Target("primary_agent", chat, "Family"), BERLIN, media)
    events = events_for(planned, Target("primary_agent", chat, "Family"), new_chat=False)
    return [e for e in events if isinstance(e, MessageSeen)]


def test_envelopes_are_valid_stable_and_ordered_within_a_minute() -> None:
    at = datetime(2020, 12, 31, 23, 59)
    text = export_text([
        android_line(at, "Anna", "same"), android_line(at, "Anna", "same"), android_line(at, "Me", "mine"),
        android_line(at, "Anna", "IMG-20201231-WA0001.jpg (file attached)\ncaption"),
        android_line(at, "Anna", "IMG-20201231-WA0002.jpg (file attached)"),
    ])  # fmt: skip
    events = _plan(text)
    assert [e.timestamp_ms for e in events] == [T - 3_600_000 + n for n in range(5)]  # Berlin is UTC+1
    assert len({e.message_id for e in events}) == 5
    assert [e.message_id for e in _plan(text)] == [e.message_id for e in events]
    assert [(e.type, e.from_me, e.source) for e in events[2:4]] == [
        ("text", True, "import"),
        ("image", False, "import"),
    ]
    stored, missing = events[3].media, events[4].media
    assert stored is not None and stored.status == "stored" and stored.key is not None
    assert stored.key.startswith(f"{GROUP}/2020-12-31/imp_") and events[3].text == "caption"
    assert missing is not None and (missing.status, missing.error) == ("unavailable", "not in the export")
    assert [parse_event(line) for line in decode_batch(encode_batch(events))] == events


def test_ids_do_not_depend_on_the_position_in_the_file() -> None:
    a = android_line(datetime(2021, 1, 1, 10, 0), "Anna", "first")
    b = android_line(datetime(2021, 1, 1, 10, 1), "Anna", "second")
    older = android_line(datetime(2020, 12, 1, 10, 0), "Anna", "older")
    short, longer = _plan(export_text([a, b])), _plan(export_text([older, a, b]))
    assert [e.message_id for e in short] == [e.message_id for e in longer[1:]]
