"""The faster ways of building envelopes give what the plain ways gave (same models, same bytes)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from deeplens.domain.envelope import MessageSeen, parse_event
from deeplens_connector.translate import with_media_outcome
from deeplens_connector.translate.raw_json import JsonDicts
from google.protobuf import struct_pb2
from google.protobuf.json_format import MessageToDict
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E
from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as HS
from pydantic import ValidationError

from tests.golden.goldens import all_goldens
from tests.unit.connector.golden_events import SEEN_AFTER_MS, T0, image
from tests.unit.connector.neonize_fixtures import Capture

KEY = "4915112345678@s.whatsapp.net/2025-11-24/{file_id}.jpg"


def media_messages() -> list[MessageSeen]:
    events = [parse_event(golden) for golden in all_goldens().values()]
    found = [event for event in events if isinstance(event, MessageSeen) and event.media is not None]
    return [*found, *Capture(now_ms=T0 + SEEN_AFTER_MS).feed(image(T0)).events]  # type: ignore[list-item]


def validated_again(message: MessageSeen, status: str, **outcome: Any) -> MessageSeen:
    """What with_media_outcome did before: the whole message dumped and validated again."""
    assert message.media is not None
    media = message.media.model_dump() | {"status": status, "key": None, "error": None} | outcome
    return MessageSeen.model_validate(message.model_dump() | {"media": media})


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        ("stored", {"key": KEY}),
        ("unavailable", {"error": "download failed with status code 410"}),
        ("skipped", {"error": "auto_download_media is off for this chat"}),
        ("failed", {"error": "upload to the media bucket failed 3 times"}),
    ],
)
def test_media_outcome_is_the_revalidated_message_when_copied(status: str, outcome: dict[str, str]) -> None:
    messages = media_messages()
    assert messages
    for message in messages:
        assert message.media is not None
        given = {k: v.format(file_id=message.media.file_id) for k, v in outcome.items()}
        fast = with_media_outcome(message, status, **given)  # type: ignore[arg-type]
        slow = validated_again(message, status, **given)
        assert fast == slow
        assert fast.model_dump_json() == slow.model_dump_json()


def test_media_outcome_error_names_the_media_field_when_it_contradicts_itself() -> None:
    [message] = media_messages()[-1:]
    with pytest.raises(ValidationError, match="media"):
        with_media_outcome(message, "failed", key="4915112345678@s.whatsapp.net/2025-11-24/x.jpg")


def samples() -> list[Any]:
    """Messages exercising every kind of field: nested, repeated, enums, bytes, int64, floats."""
    thumb = bytes(range(256)) * 3
    context = E2E.ContextInfo(
        stanzaID="3EB0AA",
        participant="4915@s.whatsapp.net",
        mentionedJID=["1@s.whatsapp.net", "2@lid"],
        quotedMessage=E2E.Message(conversation="quoted"),
        isForwarded=True,
        forwardingScore=3,
        expiration=604800,
    )
    return [
        E2E.Message(conversation="hi", messageContextInfo=E2E.MessageContextInfo(messageSecret=b"s" * 32)),
        E2E.Message(
            extendedTextMessage=E2E.ExtendedTextMessage(
                text="see https://x.org",
                matchedText="https://x.org",
                title="T",
                JPEGThumbnail=thumb,
                contextInfo=context,
                previewType=E2E.ExtendedTextMessage.PreviewType.VIDEO,
            )
        ),
        E2E.Message(
            imageMessage=E2E.ImageMessage(
                mimetype="image/jpeg",
                caption="c",
                fileLength=2**40 + 7,
                mediaKey=b"k" * 32,
                width=1,
                height=2,
                fileSHA256=b"\x00" * 32,
                JPEGThumbnail=thumb,
                mediaKeyTimestamp=1_700_000_000,
                contextInfo=context,
            )
        ),
        E2E.Message(
            locationMessage=E2E.LocationMessage(
                degreesLatitude=52.520008,
                degreesLongitude=13.404954,
                name="Berlin",
                accuracyInMeters=5,
                speedInMps=1.1,
                degreesClockwiseFromMagneticNorth=7,
            )
        ),
        E2E.Message(
            liveLocationMessage=E2E.LiveLocationMessage(
                degreesLatitude=float("nan"), degreesLongitude=float("inf"), speedInMps=0.1, sequenceNumber=-5
            )
        ),
        E2E.Message(
            pollCreationMessage=E2E.PollCreationMessage(
                name="Q",
                options=[E2E.PollCreationMessage.Option(optionName=n) for n in ("a", "b")],
                selectableOptionsCount=1,
            )
        ),
        E2E.Message(
            contactsArrayMessage=E2E.ContactsArrayMessage(
                displayName="two", contacts=[E2E.ContactMessage(displayName="x", vcard="BEGIN:VCARD")] * 2
            )
        ),
        E2E.Message(
            ephemeralMessage=E2E.FutureProofMessage(
                message=E2E.Message(
                    viewOnceMessage=E2E.FutureProofMessage(
                        message=E2E.Message(
                            videoMessage=E2E.VideoMessage(
                                seconds=3, gifPlayback=True, mediaKey=b"k", streamingSidecar=b"\x01\x02"
                            )
                        )
                    )
                )
            )
        ),
    ]


def without(value: Any, keys: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {k: without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [without(v, keys) for v in value]
    return value


@pytest.mark.parametrize("message", samples(), ids=lambda m: m.ListFields()[0][0].name)
def test_json_dicts_are_message_to_dict_without_secrets_when_converted_by_plan(message: Any) -> None:
    secrets = frozenset({"mediaKey", "messageSecret"})
    expected = {k: without(v, secrets) for k, v in MessageToDict(message).items()}
    got = JsonDicts(secrets).convert(message)
    assert json.dumps(got) == json.dumps(expected)  # same keys, order, types and values
    assert got == expected


def test_json_dicts_leave_out_top_level_fields_when_asked() -> None:
    message = samples()[0]
    assert JsonDicts().convert(message, leave_out=frozenset({"messageContextInfo"})) == {"conversation": "hi"}
    secret = base64.b64encode(b"s" * 32).decode()
    assert JsonDicts().convert(message)["messageContextInfo"] == {"messageSecret": secret}


def test_json_dicts_are_message_to_dict_when_a_type_is_not_planned() -> None:
    sync = HS.HistorySync(syncType=HS.HistorySync.FULL, chunkOrder=2, progress=40)
    assert JsonDicts().convert(sync) == MessageToDict(sync)
    wkt = struct_pb2.Struct(fields={"a": struct_pb2.Value(number_value=1), "mediaKey": struct_pb2.Value()})
    assert JsonDicts().convert(wkt) == MessageToDict(wkt)  # a map and a well-known type: MessageToDict
