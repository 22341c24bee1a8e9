"""whatsmeow's message-secret scheme (msgsecret.go), in Python: what neonize 0.5.2 cannot open.

A message that changes another one — an edit, a reaction or comment in an announcement group, an
event edit — may be sent *sealed* with the original's `messageContextInfo.messageSecret` (32 random
bytes the original carried): `secretEncryptedMessage`, `encReactionMessage`, `encCommentMessage`.
whatsmeow has DecryptSecretEncryptedMessage / DecryptReaction / DecryptComment, but neonize 0.5.2's Go
bridge exposes only DecryptPollVote, so the connector opens them itself, exactly as whatsmeow does:

    key = HKDF-SHA256(ikm=secret, salt=none, info=origID || origSender || modifier || useCase, 32)
    plaintext = AES-256-GCM-open(key, iv=encIV, encPayload, aad)

`origSender` and `modifier` are non-AD JIDs (`user@server`, no device); `aad` is
`origID \\0 modifier` for poll votes and event responses only, empty for everything here. Pure: no
I/O; where the secrets come from is `unsealing.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E

from deeplens_connector.translate.sealed import SEALED_FIELDS

# whatsmeow MsgSecretType: the use-case string mixed into the key.
MESSAGE_EDIT = "Message Edit"
EVENT_EDIT = "Event Edit"
POLL_EDIT = "Poll Edit"
REACTION = "Enc Reaction"
COMMENT = "Enc Comment"
POLL_VOTE = "Poll Vote"
EVENT_RESPONSE = "Event Response"
_WITH_AAD = frozenset({POLL_VOTE, EVENT_RESPONSE})  # generateMsgSecretKey: only these bind the AAD
# SecretEncryptedMessage.secretEncType -> use case (whatsmeow DecryptSecretEncryptedMessage: an added
# poll option is sealed as a poll edit). MESSAGE_SCHEDULE and UNKNOWN are not supported there either.
_SECRET_ENC_USE_CASES = {
    E2E.SecretEncryptedMessage.MESSAGE_EDIT: MESSAGE_EDIT,
    E2E.SecretEncryptedMessage.EVENT_EDIT: EVENT_EDIT,
    E2E.SecretEncryptedMessage.POLL_EDIT: POLL_EDIT,
    E2E.SecretEncryptedMessage.POLL_ADD_OPTION: POLL_EDIT,
}
_FIELD_USE_CASES = {"encReactionMessage": REACTION, "encCommentMessage": COMMENT}
KEY_BYTES = 32
IV_BYTES = 12


class NotOpened(Exception):
    """A sealed message that cannot be opened; the text is the reason kept with its ciphertext."""


@dataclass(frozen=True)
class Sealed:
    """One sealed message: which field, its use case (None: a type whatsmeow cannot open either),
    the key of the original it changes, and the ciphertext."""

    field: str
    use_case: str | None
    target: Any  # waCommon.MessageKey of the original
    payload: bytes
    iv: bytes
    kind: str  # the secretEncType name, or the field, for the logs and the kept reason


def sealed_in(message: Any) -> Sealed | None:
    """The sealed part of an unwrapped waE2E.Message; None when it has none."""
    for field in SEALED_FIELDS:
        if message.HasField(field):
            return _sealed(field, getattr(message, field))
    return None


def _sealed(field: str, part: Any) -> Sealed:
    if field == "secretEncryptedMessage":
        use_case = _SECRET_ENC_USE_CASES.get(part.secretEncType)
        kind = E2E.SecretEncryptedMessage.SecretEncType.Name(part.secretEncType)
    else:
        use_case, kind = _FIELD_USE_CASES[field], field
    return Sealed(field, use_case, part.targetMessageKey, part.encPayload, part.encIV, kind)


def message_key(
    use_case: str, *, original_id: str, original_sender: str, modifier: str, secret: bytes
) -> bytes:
    """generateMsgSecretKey's key (senders as non-AD JID strings)."""
    info = b"".join(part.encode() for part in (original_id, original_sender, modifier, use_case))
    return HKDF(algorithm=SHA256(), length=KEY_BYTES, salt=None, info=info).derive(secret)


def associated_data(use_case: str, *, original_id: str, modifier: str) -> bytes | None:
    """generateMsgSecretKey's additional data: bound only for votes and event responses."""
    if use_case not in _WITH_AAD:
        return None
    return f"{original_id}\x00{modifier}".encode()


def open_sealed(
    sealed: Sealed, secret: bytes, *, original_id: str, original_sender: str, modifier: str
) -> bytes:
    """The plaintext (a serialized protobuf) of `sealed`; NotOpened when this secret and these
    senders do not authenticate it (or the type is one whatsmeow cannot open)."""
    if sealed.use_case is None:
        raise NotOpened(f"unsupported secret encryption type {sealed.kind}")
    ids = {"original_id": original_id, "modifier": modifier}
    key = message_key(sealed.use_case, original_sender=original_sender, secret=secret, **ids)
    try:
        return AESGCM(key).decrypt(sealed.iv, sealed.payload, associated_data(sealed.use_case, **ids))
    except (InvalidTag, ValueError) as error:  # ValueError: an IV of a length GCM refuses
        raise NotOpened("message authentication failed") from error


def seal(
    plaintext: bytes,
    use_case: str,
    secret: bytes,
    iv: bytes,
    *,
    original_id: str,
    original_sender: str,
    modifier: str,
) -> bytes:
    """encryptMsgSecret: what the sender's phone does (the sample and the tests build with it)."""
    ids = {"original_id": original_id, "modifier": modifier}
    key = message_key(use_case, original_sender=original_sender, secret=secret, **ids)
    return AESGCM(key).encrypt(iv, plaintext, associated_data(use_case, **ids))
