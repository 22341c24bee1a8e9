"""The pure pieces: JIDs, unwrapping, raw JSON, file ids and the media worker's outcome."""

from __future__ import annotations

import pytest
from deeplens.domain.errors import InvalidJid
from deeplens_connector.translate import file_id_for, jid_of, jid_proto, with_media_outcome
from deeplens_connector.translate.content import raw_of, unwrap
from google.protobuf.json_format import ParseDict
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E
from pydantic import ValidationError

from tests.unit.connector.golden_events import SEEN_AFTER_MS, T0, image
from tests.unit.connector.neonize_fixtures import SESSION, Capture, empty_jid, jid


def test_jid_is_canonical_when_it_carries_a_device_or_a_legacy_server() -> None:
    assert jid_of(jid("4915112345678", device=12)) == "4915112345678@s.whatsapp.net"
    assert jid_of(jid("4915112345678", "c.us")) == "4915112345678@s.whatsapp.net"
    assert jid_of(empty_jid()) is None


def test_jid_round_trips_when_converted_to_a_proto_and_back() -> None:
    proto = jid_proto("123456789012345:7@lid")
    assert (proto.User, proto.Server, proto.Device) == ("123456789012345", "lid", 7)
    assert jid_of(proto) == "123456789012345@lid"


def test_jid_is_refused_when_it_names_no_one() -> None:
    with pytest.raises(InvalidJid):
        jid_of(jid("", "s.whatsapp.net"))


def test_unwrap_follows_whatsmeow_order_when_wrappers_are_nested() -> None:
    inner = E2E.Message(conversation="innen")
    once = E2E.Message(viewOnceMessage=E2E.FutureProofMessage(message=inner))
    fading = E2E.Message(ephemeralMessage=E2E.FutureProofMessage(message=once))
    sent = E2E.Message(
        deviceSentMessage=E2E.DeviceSentMessage(destinationJID="x@s.whatsapp.net", message=fading)
    )
    message, flags = unwrap(sent)
    assert (message.conversation, flags) == ("innen", frozenset({"ephemeral", "view_once"}))


def test_raw_parses_back_into_the_proto_when_secrets_are_left_out() -> None:
    picture = E2E.ImageMessage(caption="x", mediaKey=b"k" * 32, fileSHA256=b"h" * 32, JPEGThumbnail=b"jpg")
    raw = raw_of(E2E.Message(imageMessage=picture), "imageMessage")
    assert raw == {
        "imageMessage": {"caption": "x", "fileSHA256": "aGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGg="}
    }
    assert ParseDict(raw, E2E.Message()).imageMessage.fileSHA256 == b"h" * 32


def test_file_id_is_stable_when_the_same_message_is_seen_again() -> None:
    first = file_id_for(SESSION, "4915112345678@s.whatsapp.net", "3EB0")
    assert first == file_id_for(SESSION, "4915112345678@s.whatsapp.net", "3EB0")
    assert first != file_id_for("other_account", "4915112345678@s.whatsapp.net", "3EB0")
    assert len(first) == 32


def test_media_outcome_is_refused_when_it_contradicts_itself() -> None:
    [message] = Capture(now_ms=T0 + SEEN_AFTER_MS).feed(image(T0)).events
    with pytest.raises(ValidationError, match="key is set exactly when"):
        with_media_outcome(message, "failed", key="4915112345678@s.whatsapp.net/2025-11-24/x.jpg")
    unavailable = with_media_outcome(message, "unavailable", error="download failed with status code 410")
    assert (unavailable.media.status, unavailable.media.key, unavailable.media.error) == (
        "unavailable",
        None,
        "download failed with status code 410",
    )
