"""Live MessageEv / UndecryptableMessageEv / ReceiptEv translation, through neonize's dispatcher."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from deeplens.domain.envelope import dump_event
from deeplens_connector.translate import DecryptedVote, live_media_ref, translate_message
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E

from tests.unit.connector.golden_events import GROUP_JID, THUMBNAIL, anna_says, bob_says, media
from tests.unit.connector.neonize_fixtures import (
    ANNA,
    BOB,
    ME,
    SESSION,
    Capture,
    group_jid,
    info,
    jid,
    key,
    message_ev,
    receipt,
    text,
)

T = 1_764_100_000_000
POLL_KEY = key(GROUP_JID, "3EB0P011", participant=f"{BOB}@s.whatsapp.net")


def translate(*events: Any, vote: DecryptedVote | None = None) -> Capture:
    return Capture(now_ms=T + 1, vote=vote).feed(*events)


def protocol(kind: int) -> Any:
    return E2E.Message(protocolMessage=E2E.ProtocolMessage(type=kind))


@pytest.mark.parametrize(
    "message",
    [
        protocol(E2E.ProtocolMessage.HISTORY_SYNC_NOTIFICATION),
        protocol(E2E.ProtocolMessage.APP_STATE_SYNC_KEY_SHARE),
        protocol(E2E.ProtocolMessage.EPHEMERAL_SETTING),
        E2E.Message(
            senderKeyDistributionMessage=E2E.SenderKeyDistributionMessage(groupID=GROUP_JID),
            messageContextInfo=E2E.MessageContextInfo(messageSecret=bytes(32)),
        ),
        E2E.Message(pinInChatMessage=E2E.PinInChatMessage(key=key(GROUP_JID, "3EB0AA"))),
    ],  # sealed reactions are opened or kept sealed: tests/unit/connector/test_sealed.py
)
def test_message_is_dropped_on_purpose_when_it_is_protocol_or_sender_keys_only(message: Any) -> None:
    capture = translate(bob_says("3EB0DR0P", T, message))
    assert (capture.events, capture.errors) == ([], [])
    assert len(capture.received) == 1  # it did come through the dispatcher


def test_message_is_kept_when_sender_keys_ride_along_with_content() -> None:
    first = E2E.Message(
        conversation="Hallo zusammen",
        senderKeyDistributionMessage=E2E.SenderKeyDistributionMessage(groupID=GROUP_JID),
    )
    [event] = translate(bob_says("3EB0F1R57", T, first)).events
    assert (event.type, event.text, event.raw) == (
        "text",
        "Hallo zusammen",
        {"conversation": "Hallo zusammen"},
    )


def test_placeholder_is_an_unknown_message_when_the_content_is_missing() -> None:
    undecryptable = N.UndecryptableMessage(
        Info=info("3EB0UNDEC", group_jid(), jid(BOB), ts_ms=T, push_name="Bob"), IsUnavailable=True
    )
    capture = translate(bob_says("3EB0N0C0N7", T, None), undecryptable)
    assert [(e.message_id, e.type, e.text, e.raw) for e in capture.events] == [
        ("3EB0N0C0N7", "unknown", None, None),
        ("3EB0UNDEC", "unknown", None, None),
    ]
    assert {e.sender_jid for e in capture.events} == {f"{BOB}@s.whatsapp.net"}


def test_recovered_message_keeps_its_content_when_it_answers_an_unavailable_request() -> None:
    recovered = bob_says("3EB0REC0V", T, text("wieder da"), UnavailableRequestID="req-1")
    [event] = translate(recovered).events
    assert (event.type, event.text) == ("text", "wieder da")


def vote_ev(*, at: int = T) -> Any:
    update = E2E.PollUpdateMessage(
        pollCreationMessageKey=POLL_KEY, vote=E2E.PollEncValue(encPayload=b"x" * 48, encIV=b"y" * 12)
    )
    return message_ev(
        info("3EB0V07E", group_jid(), jid(ANNA), ts_ms=at), E2E.Message(pollUpdateMessage=update)
    )


def test_poll_vote_is_not_emitted_when_the_caller_could_not_decrypt_it() -> None:
    assert translate(vote_ev()).events == []


@pytest.mark.parametrize(
    ("vote", "selected"),
    [
        (DecryptedVote((hashlib.sha256(b"Sushi").digest(),), ("Pizza", "Sushi")), ["Sushi"]),
        (DecryptedVote((hashlib.sha256(b"Sushi").digest(),)), [hashlib.sha256(b"Sushi").hexdigest()]),
        (DecryptedVote(()), []),
    ],
)
def test_poll_vote_names_options_or_hashes_when_decrypted(vote: DecryptedVote, selected: list[str]) -> None:
    [event] = translate(vote_ev(), vote=vote).events
    assert (event.kind, event.selected_options, event.voter_jid) == (
        "poll_vote",
        selected,
        f"{ANNA}@s.whatsapp.net",
    )
    assert (event.target.message_id, event.target.sender_jid, event.voted_at_ms) == (
        "3EB0P011",
        f"{BOB}@s.whatsapp.net",
        T,
    )


def test_one_bad_event_is_reported_when_the_next_ones_still_translate() -> None:
    bad = message_ev(info("3EB0BAD", jid(ANNA), jid("not-a-number"), ts_ms=T), text("?"))
    capture = translate(bad, anna_says("3EB0600D", T, text("gut")))
    assert [event.message_id for event in capture.events] == ["3EB0600D"]
    [error] = capture.errors
    assert str(error).startswith(f"message 3EB0BAD in {ANNA}@s.whatsapp.net: ")
    assert "not-a-number" in str(error) and "\n" not in str(error)


def test_video_note_is_a_video_when_sent_as_ptv_and_downloads_as_a_video_message() -> None:
    note = E2E.VideoMessage(mimetype="video/mp4", seconds=9, **media("AA==", "AQ==", 900, "/v/ptv.enc"))
    ev = anna_says("3EB0P7V", T, E2E.Message(ptvMessage=note))
    [event] = translate(ev).events
    ref = live_media_ref(ev, session=SESSION)
    assert (event.type, event.media.duration_s, event.media.status, event.media.key) == (
        "video",
        9,
        "pending",
        None,
    )
    assert ref is not None and (ref.file_id, ref.field, ref.kind) == (
        event.media.file_id,
        "ptvMessage",
        "video",
    )
    download = ref.download_message()
    assert download.HasField("videoMessage") and not download.HasField("ptvMessage")
    assert (download.videoMessage.directPath, download.videoMessage.mediaKey) == ("/v/ptv.enc", note.mediaKey)


def test_media_secrets_stay_out_of_the_envelope_when_the_message_has_them() -> None:
    picture = E2E.ImageMessage(
        mimetype="image/jpeg", JPEGThumbnail=THUMBNAIL, **media("AA==", "AQ==", 1, "/v/x.enc")
    )
    message = E2E.Message(
        imageMessage=picture, messageContextInfo=E2E.MessageContextInfo(messageSecret=b"s" * 32)
    )
    [event] = translate(anna_says("3EB0SECRET", T, message)).events
    dumped = json.dumps(dump_event(event))
    assert '"mediaKey"' not in dumped and "messageSecret" not in dumped and "JPEGThumbnail" not in dumped
    assert event.media.thumbnail_b64 is not None and event.media.sha256 is None  # a 1-byte hash is no sha256


def test_flags_are_set_when_whatsmeow_unwrapped_or_the_context_says_so() -> None:
    once = E2E.Message(
        imageMessage=E2E.ImageMessage(mimetype="image/jpeg", **media("AA==", "AQ==", 1, "/v/o"))
    )
    fading = E2E.Message(
        extendedTextMessage=E2E.ExtendedTextMessage(
            text="weg", contextInfo=E2E.ContextInfo(expiration=86_400)
        )
    )
    still_wrapped = E2E.Message(viewOnceMessageV2=E2E.FutureProofMessage(message=once))
    capture = translate(
        anna_says("3EB0V1", T, once, IsViewOnce=True, IsViewOnceV2=True),
        anna_says("3EB0V2", T, fading),
        anna_says("3EB0V3", T, still_wrapped),
    )
    flags = [(e.flags.view_once, e.flags.ephemeral, e.flags.forwarded) for e in capture.events]
    assert flags == [(True, False, False), (False, True, False), (True, False, False)]
    assert capture.events[2].type == "image" and "viewOnceMessageV2" not in capture.events[2].raw


def test_edit_takes_the_new_caption_when_a_media_caption_is_edited() -> None:
    change = E2E.ProtocolMessage(
        type=E2E.ProtocolMessage.MESSAGE_EDIT,
        key=key(f"{ANNA}@s.whatsapp.net", "3EB0CAP", from_me=True),
        editedMessage=E2E.Message(imageMessage=E2E.ImageMessage(caption="neu", mediaKey=b"k" * 32)),
    )
    ev = message_ev(
        info("3EB0ED17", jid(ANNA), jid(ANNA), ts_ms=T, edit="1"), E2E.Message(protocolMessage=change)
    )
    [event] = translate(ev).events
    assert (event.kind, event.new_text, event.edited_at_ms) == ("edit", "neu", T)  # no timestampMS: Info time
    assert event.new_raw == {"imageMessage": {"caption": "neu"}}


def test_contacts_and_live_location_translate_when_sent() -> None:
    cards = E2E.ContactsArrayMessage(
        contacts=[E2E.ContactMessage(displayName=name, vcard=f"FN:{name}") for name in ("Max", "Eva")]
    )
    here = E2E.LiveLocationMessage(degreesLatitude=52.5, degreesLongitude=13.4, caption="unterwegs")
    capture = translate(
        anna_says("3EB0C0N7", T, E2E.Message(contactsArrayMessage=cards)),
        anna_says("3EB0L1VE", T, E2E.Message(liveLocationMessage=here)),
    )
    contacts, place = capture.events
    assert [(c.display_name, c.vcard) for c in contacts.contacts] == [("Max", "FN:Max"), ("Eva", "FN:Eva")]
    assert (place.type, place.text, place.location.live, place.location.name) == (
        "location",
        "unterwegs",
        True,
        None,
    )


def test_event_ids_are_the_same_when_an_event_is_translated_again() -> None:
    ev = anna_says("3EB0AGA1N", T, text("nochmal"))
    once = translate_message(ev, session=SESSION, own_jid=f"{ME}@s.whatsapp.net", now_ms=T + 1)
    again = translate_message(ev, session=SESSION, own_jid=f"{ME}@s.whatsapp.net", now_ms=T + 1)
    assert [dump_event(e) for e in once] == [dump_event(e) for e in again]
    assert once[0].event_id == f"message:{ANNA}@s.whatsapp.net:3EB0AGA1N:live"


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (N.Receipt.DELIVERED, 1),
        (N.Receipt.READ, 2),
        (N.Receipt.READ_SELF, 2),
        (N.Receipt.PLAYED, 3),
        (N.Receipt.SENDER, None),
        (N.Receipt.RETRY, None),
        (N.Receipt.SERVER_ERROR, None),
        (N.Receipt.INACTIVE, None),
    ],
)
def test_receipt_maps_its_type_to_a_status_when_it_says_who_saw_what(kind: int, status: int | None) -> None:
    events = translate(receipt(group_jid(), jid(BOB, device=4), ["3EB0R1"], ts_s=T // 1000, kind=kind)).events
    if status is None:
        assert events == []
    else:
        [event] = events
        expected = (status, f"{BOB}@s.whatsapp.net", T, ["3EB0R1"])
        assert (event.status, event.reader_jid, event.receipt_at_ms, event.message_ids) == expected
