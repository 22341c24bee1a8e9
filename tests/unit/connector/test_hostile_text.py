"""Hostile text is archived, never dropped: longer than the envelope allows, bytes that are not
UTF-8 (surrogates encoded as UTF-8 too), NUL, U+FFFF. Each message goes through neonize's parser,
the translator, the publisher's batch line and ingest's envelope check."""

from __future__ import annotations

from typing import Any

from deeplens.domain.batch import decode_batch
from deeplens.domain.envelope import MessageSeen, parse_events
from deeplens_connector.publish.publisher import encode_events
from deeplens_connector.translate import translate_message
from deeplens_connector.translate.text import MAX_TEXT_CHARS, safe_text, truncation_marker
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E

from tests.unit.connector.neonize_fixtures import ANNA, SESSION, complete, info, jid, message_ev

PLACEHOLDER = "Q" * 8  # replaced on the wire by bytes a Python str cannot hold


def _translated(text: str, wire: bytes | None = None) -> MessageSeen:
    """A live text message as Go would hand it over (`wire` replaces PLACEHOLDER's bytes)."""
    anna = jid(ANNA, "s.whatsapp.net")
    ev = complete(
        message_ev(info("HOSTILE1", anna, anna, ts_ms=1_764_000_000_000), E2E.Message(conversation=text))
    )
    data = ev.SerializeToString()
    if wire is not None:
        assert len(wire) == len(PLACEHOLDER)  # the same length: the framing stays right
        data = data.replace(PLACEHOLDER.encode(), wire)
    (event,) = translate_message(N.Message.FromString(data), session=SESSION, own_jid=None, now_ms=1)
    assert isinstance(event, MessageSeen)
    return event


def _through_ingest_check(event: MessageSeen) -> Any:
    """What ingest validates: the publisher's batch line, decoded and parsed."""
    (parsed,) = parse_events(decode_batch(encode_events([event])))
    return parsed


def test_text_longer_than_the_envelope_allows_is_cut_with_a_marker_and_kept_whole_in_raw() -> None:
    text = "Wort " * 1_000_000  # 5 MB
    event = _through_ingest_check(_translated(text))
    marker = truncation_marker(len(text))
    assert len(event.text) == MAX_TEXT_CHARS
    assert event.text.endswith(marker)
    assert event.text.startswith("Wort Wort")
    assert event.raw == {"conversation": text}


def test_bytes_that_are_not_utf8_become_replacement_characters_in_text_and_raw() -> None:
    surrogate_as_utf8 = b"A\xed\xa0\x80B\xffCD"  # a lone surrogate (CESU) and a stray byte
    event = _through_ingest_check(_translated(PLACEHOLDER, wire=surrogate_as_utf8))
    assert event.text == "A\ufffd\ufffd\ufffdB\ufffdCD"
    assert event.raw == {"conversation": event.text}


def test_nul_and_noncharacters_pass_unchanged_to_ingest() -> None:
    text = "nul\x00 end\uffff \ufffe"
    event = _through_ingest_check(_translated(text))
    assert event.text == text


def test_lone_surrogates_in_a_str_are_replaced_and_plain_text_is_returned_as_it_is() -> None:
    assert safe_text("x\ud800y\udfff") == "x\ufffdy\ufffd"
    plain = "hallo 👋"
    assert safe_text(plain) is plain
    assert safe_text(None) is None
