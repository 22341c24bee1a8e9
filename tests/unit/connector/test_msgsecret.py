"""whatsmeow's message-secret scheme: vectors built here with the primitives themselves (HKDF-SHA256,
AES-256-GCM), opened with the module; the module's own sealing is checked against them too."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from deeplens_connector import msgsecret
from deeplens_connector.msgsecret import NotOpened, open_sealed, sealed_in
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E

from tests.unit.connector.neonize_fixtures import key

SECRET = hashlib.sha256(b"the original's messageSecret").digest()
IV = bytes(range(12))
ORIGINAL_ID, ANNA, BOB = (
    "3EB0C767D26A1D6B8A2F",
    "4915112345678@s.whatsapp.net",
    "4915187654321@s.whatsapp.net",
)
PLAINTEXT = E2E.Message(conversation="Hallo!").SerializeToString()


def whatsmeow_key(use_case: str, modifier: str, original_sender: str = ANNA) -> bytes:
    """generateMsgSecretKey, written out: HKDF(secret, no salt, id || orig sender || modifier || use case)."""
    info = (ORIGINAL_ID + original_sender + modifier + use_case).encode()
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=info).derive(SECRET)


def sealed_edit(payload: bytes, kind: int = E2E.SecretEncryptedMessage.MESSAGE_EDIT) -> msgsecret.Sealed:
    message = E2E.Message(
        secretEncryptedMessage=E2E.SecretEncryptedMessage(
            targetMessageKey=key(ANNA, ORIGINAL_ID, from_me=True),
            encPayload=payload,
            encIV=IV,
            secretEncType=kind,
        )
    )
    sealed = sealed_in(message)
    assert sealed is not None
    return sealed


def test_edit_opens_when_sealed_with_the_whatsmeow_key_and_no_associated_data() -> None:
    payload = AESGCM(whatsmeow_key("Message Edit", ANNA)).encrypt(IV, PLAINTEXT, None)
    opened = open_sealed(
        sealed_edit(payload), SECRET, original_id=ORIGINAL_ID, original_sender=ANNA, modifier=ANNA
    )
    assert opened == PLAINTEXT


@pytest.mark.parametrize(
    ("kind", "use_case"),
    [
        (E2E.SecretEncryptedMessage.EVENT_EDIT, "Event Edit"),
        (E2E.SecretEncryptedMessage.POLL_EDIT, "Poll Edit"),
        (
            E2E.SecretEncryptedMessage.POLL_ADD_OPTION,
            "Poll Edit",
        ),  # as whatsmeow: an added option is a poll edit
    ],
)
def test_each_secret_encryption_type_uses_whatsmeows_use_case_string(kind: int, use_case: str) -> None:
    payload = AESGCM(whatsmeow_key(use_case, BOB)).encrypt(IV, PLAINTEXT, None)
    sealed = sealed_edit(payload, kind)
    assert (
        open_sealed(sealed, SECRET, original_id=ORIGINAL_ID, original_sender=ANNA, modifier=BOB) == PLAINTEXT
    )


def test_reaction_and_comment_use_their_own_use_cases() -> None:
    target = key(ANNA, ORIGINAL_ID)
    for field, use_case in (("encReactionMessage", "Enc Reaction"), ("encCommentMessage", "Enc Comment")):
        payload = AESGCM(whatsmeow_key(use_case, BOB)).encrypt(IV, PLAINTEXT, None)
        part = {"targetMessageKey": target, "encPayload": payload, "encIV": IV}
        message = E2E.Message(**{field: getattr(E2E, field[0].upper() + field[1:])(**part)})
        sealed = sealed_in(message)
        assert sealed is not None and sealed.use_case == use_case
        assert (
            open_sealed(sealed, SECRET, original_id=ORIGINAL_ID, original_sender=ANNA, modifier=BOB)
            == PLAINTEXT
        )


def test_votes_bind_the_original_id_and_modifier_as_associated_data() -> None:
    aad = f"{ORIGINAL_ID}\x00{BOB}".encode()
    assert msgsecret.associated_data(msgsecret.POLL_VOTE, original_id=ORIGINAL_ID, modifier=BOB) == aad
    assert msgsecret.associated_data(msgsecret.MESSAGE_EDIT, original_id=ORIGINAL_ID, modifier=BOB) is None
    sealed_vote = msgsecret.seal(
        PLAINTEXT,
        msgsecret.POLL_VOTE,
        SECRET,
        IV,
        original_id=ORIGINAL_ID,
        original_sender=ANNA,
        modifier=BOB,
    )
    assert AESGCM(whatsmeow_key("Poll Vote", BOB)).decrypt(IV, sealed_vote, aad) == PLAINTEXT


def test_seal_is_what_a_phone_sends_when_compared_with_the_primitives() -> None:
    sealed = msgsecret.seal(
        PLAINTEXT,
        msgsecret.MESSAGE_EDIT,
        SECRET,
        IV,
        original_id=ORIGINAL_ID,
        original_sender=ANNA,
        modifier=ANNA,
    )
    assert sealed == AESGCM(whatsmeow_key("Message Edit", ANNA)).encrypt(IV, PLAINTEXT, None)


@pytest.mark.parametrize(
    ("secret", "original_sender", "modifier"),
    [
        (bytes(32), ANNA, ANNA),  # another message's secret
        (SECRET, BOB, ANNA),  # the original's sender is part of the key
        (SECRET, ANNA, BOB),  # and so is the modifier
    ],
)
def test_edit_is_not_opened_when_secret_or_senders_differ(
    secret: bytes, original_sender: str, modifier: str
) -> None:
    payload = AESGCM(whatsmeow_key("Message Edit", ANNA)).encrypt(IV, PLAINTEXT, None)
    with pytest.raises(NotOpened, match="message authentication failed"):
        open_sealed(
            sealed_edit(payload),
            secret,
            original_id=ORIGINAL_ID,
            original_sender=original_sender,
            modifier=modifier,
        )


def test_edit_is_not_opened_when_its_payload_was_tampered_with() -> None:
    payload = bytearray(AESGCM(whatsmeow_key("Message Edit", ANNA)).encrypt(IV, PLAINTEXT, None))
    payload[0] ^= 1
    with pytest.raises(NotOpened):
        open_sealed(
            sealed_edit(bytes(payload)), SECRET, original_id=ORIGINAL_ID, original_sender=ANNA, modifier=ANNA
        )


def test_scheduled_message_is_not_opened_when_whatsmeow_does_not_support_its_type() -> None:
    sealed = sealed_edit(b"x" * 32, E2E.SecretEncryptedMessage.MESSAGE_SCHEDULE)
    assert sealed.use_case is None
    with pytest.raises(NotOpened, match="unsupported secret encryption type MESSAGE_SCHEDULE"):
        open_sealed(sealed, SECRET, original_id=ORIGINAL_ID, original_sender=ANNA, modifier=ANNA)


def test_message_has_nothing_sealed_when_it_is_plain_or_an_event_response() -> None:
    assert sealed_in(E2E.Message(conversation="Hallo!")) is None
    response = E2E.EncEventResponseMessage(eventCreationMessageKey=key(ANNA, ORIGINAL_ID), encPayload=b"x")
    assert sealed_in(E2E.Message(encEventResponseMessage=response)) is None  # no envelope kind for it
