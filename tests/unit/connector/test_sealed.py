"""Sealed messages through neonize's dispatcher: opened, each is what it would be unsealed (an edit
the very envelope of a plain edit); not opened, it is kept with its ciphertext and the reason."""

from __future__ import annotations

import hashlib
from typing import Any

from deeplens.domain.envelope import MessageEdited, MessageSeen, ReactionChanged, dump_event
from deeplens_connector import msgsecret
from deeplens_connector.translate.sealed import DECRYPT_ERROR
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E

from tests.golden.goldens import load_golden
from tests.unit.connector import golden_events as story
from tests.unit.connector.golden_events import ANNA_HALLO, ANNA_JID, BOB_JID, GROUP_JID, T0
from tests.unit.connector.neonize_fixtures import (
    ANNA,
    Capture,
    group_jid,
    info,
    jid,
    key,
    message_ev,
    text,
)

HALLO_ID = ANNA_HALLO[0]
GROUP_POST = ("3EB0A1B2C3D4E5F60718", BOB_JID, hashlib.sha256(b"Bob's announcement").digest())
IV = bytes(range(12))


def capture(
    *events: Any, now_ms: int, secrets: tuple[tuple[str, str, bytes], ...] = (ANNA_HALLO,)
) -> Capture:
    captured = Capture(now_ms=now_ms, secrets=secrets).feed(*events)
    assert captured.errors == []
    return captured


def anna_seals_edit(plaintext: bytes, at: int, msg_id: str = "3EB0E1D1700000000009") -> Any:
    payload = msgsecret.seal(
        plaintext, msgsecret.MESSAGE_EDIT, ANNA_HALLO[2], IV, original_id=HALLO_ID, original_sender=ANNA_JID,
        modifier=ANNA_JID,
    )  # fmt: skip
    sealed = E2E.SecretEncryptedMessage(
        targetMessageKey=key(ANNA_JID, HALLO_ID, from_me=True),
        encPayload=payload,
        encIV=IV,
        secretEncType=E2E.SecretEncryptedMessage.MESSAGE_EDIT,
    )
    sent = info(msg_id, jid(ANNA), jid(ANNA, device=3), ts_ms=at, push_name="Anna")
    return message_ev(sent, E2E.Message(secretEncryptedMessage=sealed))


def anna_in_group(field: str, part: Any, at: int) -> Any:
    """Anna reacts to / comments on Bob's post in the (announcement) group."""
    sent = info(f"3EB0C0EE{at}", group_jid(), jid(ANNA, device=3), ts_ms=at, push_name="Anna")
    return message_ev(sent, E2E.Message(**{field: part}))


def sealed_part(cls: Any, use_case: str, plaintext: bytes, secret: bytes = GROUP_POST[2]) -> Any:
    payload = msgsecret.seal(
        plaintext, use_case, secret, IV, original_id=GROUP_POST[0], original_sender=BOB_JID, modifier=ANNA_JID
    )
    target = key(GROUP_JID, GROUP_POST[0], participant=BOB_JID)
    return cls(targetMessageKey=target, encPayload=payload, encIV=IV)


def test_sealed_edit_is_the_plain_edit_golden_when_it_seals_the_same_change() -> None:
    at = T0 + 30_000
    plain = story.edit(at)  # the golden `edit`: protocolMessage MESSAGE_EDIT, sent unsealed
    sealed = anna_seals_edit(plain.Message.SerializeToString(), at, msg_id=plain.Info.ID)
    [event] = capture(sealed, now_ms=at).events
    assert dump_event(event) == load_golden("edit")


def test_sealed_edit_edits_the_sealed_target_when_the_plaintext_is_only_the_new_body() -> None:
    at = T0 + 50_000
    [event] = capture(anna_seals_edit(text("Bis später!").SerializeToString(), at), now_ms=at).events
    assert isinstance(event, MessageEdited)
    assert (event.target.message_id, event.target.sender_jid) == (HALLO_ID, ANNA_JID)
    assert (event.new_text, event.edited_at_ms) == ("Bis später!", at)


def test_sealed_reaction_is_the_reaction_event_when_opened() -> None:
    at = T0 + 70_000
    plaintext = E2E.ReactionMessage(text="🎉", senderTimestampMS=at).SerializeToString()  # key left out
    part = sealed_part(E2E.EncReactionMessage, msgsecret.REACTION, plaintext)
    [event] = capture(anna_in_group("encReactionMessage", part, at), now_ms=at, secrets=(GROUP_POST,)).events
    assert isinstance(event, ReactionChanged)
    assert (event.target.chat_jid, event.target.message_id, event.target.sender_jid) == (
        GROUP_JID,
        GROUP_POST[0],
        BOB_JID,
    )
    assert (event.reactor_jid, event.emoji, event.reacted_at_ms) == (ANNA_JID, "🎉", at)


def test_sealed_comment_is_a_message_of_its_own_when_opened() -> None:
    at = T0 + 80_000
    part = sealed_part(E2E.EncCommentMessage, msgsecret.COMMENT, text("Super, danke!").SerializeToString())
    ev = anna_in_group("encCommentMessage", part, at)
    [event] = capture(ev, now_ms=at, secrets=(GROUP_POST,)).events
    assert isinstance(event, MessageSeen)
    assert (event.message_id, event.sender_jid, event.type, event.text) == (
        ev.Info.ID,
        ANNA_JID,
        "text",
        "Super, danke!",
    )


def test_sealed_reaction_is_kept_with_its_ciphertext_when_the_secret_is_unknown() -> None:
    at = T0 + 90_000
    part = sealed_part(E2E.EncReactionMessage, msgsecret.REACTION, b"\x12\x02:)")
    [event] = capture(anna_in_group("encReactionMessage", part, at), now_ms=at, secrets=()).events
    assert isinstance(event, MessageSeen) and event.type == "unknown" and event.raw is not None
    assert event.raw[DECRYPT_ERROR] == "original message secret not found"
    assert event.raw["encReactionMessage"]["targetMessageKey"]["ID"] == GROUP_POST[0]
    assert "encPayload" in event.raw["encReactionMessage"]


def test_sealed_edit_is_kept_with_the_reason_when_the_known_secret_does_not_open_it() -> None:
    at = T0 + 100_000
    wrong = (HALLO_ID, ANNA_JID, bytes(32))
    [event] = capture(anna_seals_edit(b"", at), now_ms=at, secrets=(wrong,)).events
    assert isinstance(event, MessageSeen) and event.raw is not None
    assert event.raw[DECRYPT_ERROR] == "message authentication failed"


def test_sealed_edit_is_kept_when_its_plaintext_is_not_a_protobuf() -> None:
    at = T0 + 110_000
    [event] = capture(anna_seals_edit(b"\xff\xff\xff", at), now_ms=at).events
    assert isinstance(event, MessageSeen) and event.raw is not None
    assert event.raw[DECRYPT_ERROR] == "the plaintext is not a protobuf"


def test_sealed_edit_is_opened_when_the_original_was_sent_from_the_senders_lid() -> None:
    """whatsmeow's "orig sender hack": the key says the phone number, the secret was kept with the LID."""
    at = T0 + 120_000
    lid = "123456789012345@lid"
    payload = msgsecret.seal(
        text("per LID").SerializeToString(), msgsecret.MESSAGE_EDIT, ANNA_HALLO[2], IV, original_id=HALLO_ID,
        original_sender=lid, modifier=ANNA_JID,
    )  # fmt: skip
    sealed = E2E.SecretEncryptedMessage(
        targetMessageKey=key(ANNA_JID, HALLO_ID), encPayload=payload, encIV=IV,
        secretEncType=E2E.SecretEncryptedMessage.MESSAGE_EDIT,
    )  # fmt: skip
    ev = message_ev(
        info("3EB0E1D17000000000AA", jid(ANNA), jid(ANNA), ts_ms=at),
        E2E.Message(secretEncryptedMessage=sealed),
    )
    [event] = capture(ev, now_ms=at, secrets=((HALLO_ID, lid, ANNA_HALLO[2]),)).events
    assert isinstance(event, MessageEdited) and event.new_text == "per LID"


def test_group_edit_by_bob_is_opened_with_bobs_key() -> None:
    at = T0 + 130_000
    original = ("3EB0FEDCBA9876543210", BOB_JID, story.BOB_FLOHMARKT_SECRET)
    [event] = capture(story.sealed_unknown_secret(at), now_ms=at, secrets=(original,)).events
    assert isinstance(event, MessageEdited)  # the same event the golden keeps sealed, opened
    assert (event.target.chat_jid, event.target.message_id, event.target.sender_jid) == (
        GROUP_JID,
        original[0],
        BOB_JID,
    )
    assert event.new_raw == {
        "eventMessage": {"name": "Flohmarkt", "startTime": "1764432000", "isCanceled": False}
    }
