from __future__ import annotations

import pytest
from deeplens.domain.errors import InvalidEnvelope, InvalidJid
from deeplens.domain.ids import (
    ParsedJid,
    canonical_jid,
    chat_kind_of,
    is_lid,
    is_phone_jid,
    kind_fits_jid,
    parse_jid,
    tracking_type_of,
)

PN = "4915112345678@s.whatsapp.net"
LID = "123456789012345@lid"
GROUP = "120363012345678901@g.us"


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        (PN, ParsedJid("4915112345678", "s.whatsapp.net")),
        ("4915112345678:12@s.whatsapp.net", ParsedJid("4915112345678", "s.whatsapp.net", device=12)),
        ("4915112345678.0:12@s.whatsapp.net", ParsedJid("4915112345678", "s.whatsapp.net", 12, 0)),
        ("4915112345678.1:3@s.whatsapp.net", ParsedJid("4915112345678", "s.whatsapp.net", 3, 1)),
        ("4915112345678.2@s.whatsapp.net", ParsedJid("4915112345678", "s.whatsapp.net", 0, 2)),
        (LID, ParsedJid("123456789012345", "lid")),
        ("123456789012345:3@lid", ParsedJid("123456789012345", "lid", device=3)),
        (GROUP, ParsedJid("120363012345678901", "g.us")),
        ("4915112345678-1467382962@g.us", ParsedJid("4915112345678-1467382962", "g.us")),
        ("120363111111111111@newsletter", ParsedJid("120363111111111111", "newsletter")),
        ("status@broadcast", ParsedJid("status", "broadcast")),
        ("1234567890@broadcast", ParsedJid("1234567890", "broadcast")),
        ("4915112345678@c.us", ParsedJid("4915112345678", "s.whatsapp.net")),
        ("13135550002@bot", ParsedJid("13135550002", "bot")),
        ("4915112345678:99@hosted", ParsedJid("4915112345678", "hosted", device=99)),
    ],
)
def test_parse_jid_splits_parts_when_form_is_known(raw: str, parsed: ParsedJid) -> None:
    assert parse_jid(raw) == parsed


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        (PN, PN),
        ("4915112345678:12@s.whatsapp.net", PN),
        ("4915112345678.0:12@s.whatsapp.net", PN),
        ("4915112345678.2@s.whatsapp.net", PN),
        ("4915112345678@S.WhatsApp.NET", PN),
        ("4915112345678@c.us", PN),
        (LID, LID),
        ("123456789012345:3@lid", LID),
        (GROUP, GROUP),
        ("120363111111111111@newsletter", "120363111111111111@newsletter"),
        ("STATUS@broadcast", "status@broadcast"),
        ("1234567890@broadcast", "1234567890@broadcast"),
    ],
)
def test_canonical_jid_strips_device_and_case_when_jid_is_valid(raw: str, canonical: str) -> None:
    assert canonical_jid(raw) == canonical


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "hello",
        "@s.whatsapp.net",
        "4915112345678@",
        "4915112345678@example.com",
        "abc@s.whatsapp.net",
        "status@s.whatsapp.net",
        "4915112345678:x@s.whatsapp.net",
        "4915112345678:70000@s.whatsapp.net",
        "4915112345678.300:1@s.whatsapp.net",
        "4915112345678:1:2@s.whatsapp.net",
        "491 5112345678@s.whatsapp.net",
        "4915112345678@s.whatsapp.net\n",
        "a@b@c",
        "١٢٣٤@s.whatsapp.net",
        "1" * 200 + "@s.whatsapp.net",
        "120363012345678901-x@g.us",
        "news@newsletter",
    ],
)
def test_parse_jid_raises_invalid_jid_when_input_is_garbage(raw: str) -> None:
    with pytest.raises(InvalidJid):
        parse_jid(raw)


def test_parse_jid_raises_invalid_jid_when_input_is_not_a_string() -> None:
    with pytest.raises(InvalidJid):
        parse_jid(4915112345678)  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", [4915112345678, None, {"user": "x"}, ["a@g.us"]])
def test_cached_helpers_raise_invalid_jid_when_input_is_not_a_string(raw: object) -> None:
    # Not TypeError from the cache (unhashable): a validator would let that escape.
    for helper in (canonical_jid, chat_kind_of):
        with pytest.raises(InvalidJid):
            helper(raw)  # type: ignore[arg-type]


def test_cached_helpers_raise_every_time_when_jid_is_invalid() -> None:
    for _ in range(2):
        with pytest.raises(InvalidJid):
            canonical_jid("not-a-jid")
        with pytest.raises(InvalidJid):
            chat_kind_of("not-a-jid")


def test_invalid_jid_is_an_invalid_envelope_when_caught_by_ingest() -> None:
    assert issubclass(InvalidJid, InvalidEnvelope)


@pytest.mark.parametrize(
    ("jid", "kind"),
    [
        (PN, "direct"),
        ("4915112345678:12@s.whatsapp.net", "direct"),
        (LID, "direct"),
        ("13135550002@bot", "direct"),
        (GROUP, "group"),
        ("120363099999999999@g.us", "group"),  # a community too: only metadata tells
        ("120363111111111111@newsletter", "newsletter"),
        ("status@broadcast", "status"),
        ("1234567890@broadcast", "broadcast"),
    ],
)
def test_chat_kind_of_reads_the_server_when_jid_is_valid(jid: str, kind: str) -> None:
    assert chat_kind_of(jid) == kind


@pytest.mark.parametrize(
    ("kind", "jid", "fits"),
    [
        ("community", GROUP, True),
        ("group", GROUP, True),
        ("direct", GROUP, False),
        ("community", PN, False),
        ("direct", LID, True),
        ("status", "status@broadcast", True),
        ("broadcast", "status@broadcast", False),
    ],
)
def test_kind_fits_jid_allows_community_only_on_groups_when_checked(kind: str, jid: str, fits: bool) -> None:
    assert kind_fits_jid(kind, jid) is fits


@pytest.mark.parametrize(
    ("jid", "lid", "phone"),
    [
        (LID, True, False),
        ("123456789012345:3@lid", True, False),
        (PN, False, True),
        ("4915112345678:12@s.whatsapp.net", False, True),
        ("4915112345678@c.us", False, True),
        (GROUP, False, False),
        ("garbage", False, False),
        ("", False, False),
    ],
)
def test_is_lid_and_is_phone_jid_answer_without_raising_when_given_any_string(
    jid: str, lid: bool, phone: bool
) -> None:
    assert (is_lid(jid), is_phone_jid(jid)) == (lid, phone)


@pytest.mark.parametrize(
    ("kind", "tracking_type"),
    [
        ("direct", "private"),
        ("group", "group"),
        ("community", "community"),
        ("newsletter", "newsletter"),
        ("broadcast", "broadcast"),
        ("status", "status"),
    ],
)
def test_tracking_type_of_maps_to_seed_values_when_kind_is_known(kind: str, tracking_type: str) -> None:
    assert tracking_type_of(kind) == tracking_type


def test_tracking_type_of_raises_when_kind_is_unknown() -> None:
    with pytest.raises(ValueError, match="unknown chat kind"):
        tracking_type_of("private")
