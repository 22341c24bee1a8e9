"""The neonize events behind the golden envelopes (tests/golden/envelopes): one story, one account.

Each case is the real neonize protobuf WhatsApp would make us receive, with the connector's clock
(`now_ms`, the envelope's occurred_at_ms) and, for media, what the media worker decided.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from deeplens_connector import msgsecret
from deeplens_connector.translate import DecryptedVote
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E

from tests.unit.connector.neonize_fixtures import (
    ANNA,
    ANNA_LID,
    BOB,
    GROUP,
    ME,
    empty_jid,
    group_jid,
    info,
    jid,
    key,
    message_ev,
    text,
)

T0 = 1_764_000_000_000
SEEN_AFTER_MS = 420  # the connector sees a live message 420 ms after it was sent
ANNA_JID, ANNA_LID_JID, BOB_JID, ME_JID = (
    f"{ANNA}@s.whatsapp.net",
    f"{ANNA_LID}@lid",
    f"{BOB}@s.whatsapp.net",
    f"{ME}@s.whatsapp.net",
)
GROUP_JID = f"{GROUP}@g.us"
THUMBNAIL = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAAAAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4//9k="
)


@dataclass(frozen=True)
class Case:
    build: Callable[[], Any]
    now_ms: int
    vote: DecryptedVote | None = None
    media_status: str | None = None  # what the media worker did: stored / skipped / failed
    media_error: str | None = None
    secrets: tuple[tuple[str, str, bytes], ...] = ()  # (message id, sender, secret) of originals seen


def media(sha256_b64: str, enc_b64: str, length: int, path: str, **fields: Any) -> dict[str, Any]:
    return {
        "fileSHA256": base64.b64decode(sha256_b64),
        "fileEncSHA256": base64.b64decode(enc_b64),
        "fileLength": length,
        "directPath": path,
        "mediaKey": hashlib.sha256(path.encode()).digest(),  # a secret: never in the envelope
        "mediaKeyTimestamp": 1_764_000_000,
        **fields,
    }


def anna_says(msg_id: str, at: int, message: Any, **flags: Any) -> Any:
    return message_ev(
        info(msg_id, jid(ANNA), jid(ANNA, device=3), ts_ms=at, push_name="Anna"), message, **flags
    )


def i_say_to_anna(msg_id: str, at: int, message: Any, **flags: Any) -> Any:
    return message_ev(info(msg_id, jid(ANNA), jid(ME, device=2), ts_ms=at, from_me=True), message, **flags)


def bob_says(msg_id: str, at: int, message: Any, **flags: Any) -> Any:
    return message_ev(info(msg_id, group_jid(), jid(BOB), ts_ms=at, push_name="Bob"), message, **flags)


def live(at: int, build: Callable[[int], Any], **case: Any) -> Case:
    return Case(lambda: build(at), at + SEEN_AFTER_MS, **case)


def image(at: int) -> Any:
    picture = E2E.ImageMessage(
        mimetype="image/jpeg",
        caption="Sonnenuntergang am Strand 🌅",
        width=1600,
        height=1200,
        JPEGThumbnail=THUMBNAIL,
        **media(
            "8gPCZgtFro/6Ox5p5BdGz1m6QLwVS1mGBTA3MF47lOo=",
            "QhqQVBEd6fxYwbyk7OG0j3IxQX7xMQDLnu8Q2CeA5Cw=",
            184_233,
            "/v/t62.7118-24/3922837122_n.enc?ccb=11-4",
        ),
    )
    return anna_says("3EB0D1E2F3A4B5C6D7E8", at, E2E.Message(imageMessage=picture))


def voice(at: int) -> Any:
    note = E2E.AudioMessage(
        mimetype="audio/ogg; codecs=opus",
        seconds=12,
        PTT=True,
        **media(
            "8mwIrk1ueZKoQPO1sTRvBwvb0qhBXOT7Jb8DSWpcFic=",
            "Nm3tQJ1f/gZ3baCI6UiH/9RqOzEj7Id0O4XW9/+of/8=",
            23_817,
            "/v/t62.7118-24/3437561375_n.enc?ccb=11-4",
        ),
    )
    # a chat with disappearing messages: whatsmeow removed the ephemeralMessage wrapper
    return i_say_to_anna("3EB0F7E6D5C4B3A29180", at, E2E.Message(audioMessage=note), IsEphemeral=True)


def audio(at: int) -> Any:
    song = E2E.AudioMessage(
        mimetype="audio/mpeg",
        seconds=215,
        contextInfo=E2E.ContextInfo(isForwarded=True, forwardingScore=1),
        **media(
            "lJ5xd9aJpvHDi5NKE4nVwXI/rwF+uwmQy9G74W9r488=",
            "C/fLq8Au3ckrpWZJEmCH+JDlq7VwZqcJthNGis+rEdk=",
            3_441_920,
            "/v/t62.7118-24/1289871227_n.enc?ccb=11-4",
        ),
    )
    return anna_says("3EB0A1B2C3D4E5F60718", at, E2E.Message(audioMessage=song))


def sticker(at: int) -> Any:
    art = E2E.StickerMessage(
        mimetype="image/webp",
        width=512,
        height=512,
        isAnimated=False,
        **media(
            "mPkEShxxVV3umBwTO5acE/7Aagwq6mpbNxrCBQpbaWk=",
            "qvPiEHMTXiDMNBp++kSZk/lme/Mc7QFxLdpd69Ar2xU=",
            18_402,
            "/v/t62.7118-24/1222252718_n.enc?ccb=11-4",
        ),
    )
    return anna_says("3EB09C8B7A6F5E4D3C2B", at, E2E.Message(stickerMessage=art))


def video(at: int) -> Any:
    clip = E2E.VideoMessage(
        mimetype="video/mp4",
        seconds=34,
        width=720,
        height=1280,
        caption="Aufbau vom Stand",
        JPEGThumbnail=THUMBNAIL,
        **media(
            "h5HWWsz1DG7N82x98UGKjgw2XrVyewRMdXZTcKsnb6I=",
            "TsuxZw28Li1usj4umy68JK+r6UT1/Hud0HAA5DGfUd0=",
            8_912_331,
            "/v/t62.7118-24/1038606329_n.enc?ccb=11-4",
        ),
    )
    return bob_says("3EB0B2C3D4E5F6071829", at, E2E.Message(videoMessage=clip))


def document(at: int) -> Any:
    pdf = E2E.DocumentMessage(
        mimetype="application/pdf",
        fileName="Protokoll_2025-11.pdf",
        caption="Protokoll vom Treffen",
        pageCount=4,
        **media(
            "3Z3jpJVe4VT0KH2LNx6XUPs3pN3S6nYrTeS9BBFS/8o=",
            "9MsT1faKqxgz5xj8AfIh384PLXkFWllGF5ap6yCbUxY=",
            1_048_576,
            "/v/t62.7118-24/377322600_n.enc?ccb=11-4",
        ),
    )
    # sent with a caption: documentWithCaptionMessage, unwrapped by whatsmeow
    return bob_says("3EB0E5F60718293A4B5C", at, E2E.Message(documentMessage=pdf), IsDocumentWithCaption=True)


def location(at: int) -> Any:
    place = E2E.LocationMessage(
        degreesLatitude=52.521918,
        degreesLongitude=13.413215,
        name="Alexanderplatz",
        address="Alexanderplatz, 10178 Berlin",
    )
    return i_say_to_anna("3EB04D5E6F708192A3B4", at, E2E.Message(locationMessage=place))


def contact(at: int) -> Any:
    vcard = (
        "BEGIN:VCARD\nVERSION:3.0\nN:Mustermann;Max;;;\nFN:Max Mustermann\n"
        "TEL;type=CELL;waid=4915199999999:+49 151 99999999\nEND:VCARD"
    )
    card = E2E.ContactMessage(displayName="Max Mustermann", vcard=vcard)
    return anna_says("3EB0123456789ABCDEF0", at, E2E.Message(contactMessage=card))


def poll(at: int) -> Any:
    question = E2E.PollCreationMessage(
        name="Wann treffen wir uns?",
        selectableOptionsCount=1,
        options=[E2E.PollCreationMessage.Option(optionName=day) for day in ("Freitag", "Samstag", "Sonntag")],
    )
    secret = E2E.MessageContextInfo(messageSecret=bytes(32))  # decrypts the votes: never in the envelope
    return bob_says(
        "3EB07A8B9C0D1E2F3A4B", at, E2E.Message(pollCreationMessageV3=question, messageContextInfo=secret)
    )


def lid_sender(at: int) -> Any:
    sent = info(
        "3EB0A9E1F2C3D4B5A6C7",
        group_jid(),
        jid(ANNA_LID, "lid"),
        ts_ms=at,
        push_name="Anna",
        sender_alt=jid(ANNA),
        addressing=N.AddressingMode.LID,
    )
    return message_ev(sent, text("Ich bringe Kuchen mit 🍰"))


def quoted_mentions(at: int) -> Any:
    reply = E2E.ExtendedTextMessage(
        text="@4915112345678 super, danke! @4917000000001 kannst du Kaffee holen?",
        contextInfo=E2E.ContextInfo(
            stanzaID="3EB0A9E1F2C3D4B5A6C7",
            participant=ANNA_LID_JID,
            quotedMessage=text("Ich bringe Kuchen mit 🍰"),
            mentionedJID=[ANNA_JID, ME_JID],
        ),
    )
    return bob_says("3EB0C1D2E3F4A5B6C7D8", at, E2E.Message(extendedTextMessage=reply))


def unknown(at: int) -> Any:
    event = E2E.EventMessage(name="Flohmarkt", startTime=1_764_345_600, isCanceled=False)
    return bob_says("3EB0FEDCBA9876543210", at, E2E.Message(eventMessage=event))


def edit(at: int) -> Any:
    change = E2E.ProtocolMessage(
        type=E2E.ProtocolMessage.MESSAGE_EDIT,
        key=key(ANNA_JID, "3EB0C767D26A1D6B8A2F", from_me=True),  # fromMe: relative to the editor
        editedMessage=text("Hallo! Bist du heute Abend auch da?"),
        timestampMS=at,
    )
    return message_ev(
        info("3EB0E1D1700000000001", jid(ANNA), jid(ANNA), ts_ms=at, push_name="Anna", edit="1"),
        E2E.Message(protocolMessage=change),
        IsEdit=True,
    )


def revoke(at: int) -> Any:
    gone = E2E.ProtocolMessage(
        type=E2E.ProtocolMessage.REVOKE, key=key(GROUP_JID, "3EB0B2C3D4E5F6071829", from_me=True)
    )
    sent = info("3EB0DE1E7E0000000001", group_jid(), jid(BOB), ts_ms=at, push_name="Bob", edit="7")
    return message_ev(sent, E2E.Message(protocolMessage=gone))


def revoke_admin(at: int) -> Any:
    target = key(GROUP_JID, "3EB0FEDCBA9876543210", participant=BOB_JID)
    gone = E2E.ProtocolMessage(type=E2E.ProtocolMessage.REVOKE, key=target)
    sent = info("3EB0DE1E7E0000000002", group_jid(), jid(ME), ts_ms=at, from_me=True, edit="8")
    return message_ev(sent, E2E.Message(protocolMessage=gone))


def reaction(emoji: str) -> Callable[[int], Any]:
    def build(at: int) -> Any:
        react = E2E.ReactionMessage(
            key=key(ANNA_JID, "3EB0D1E2F3A4B5C6D7E8"), text=emoji, senderTimestampMS=at
        )
        sent = info(f"3EB0AEAC{at}", jid(ANNA), jid(ME), ts_ms=at, from_me=True, wa_type="reaction")
        return message_ev(sent, E2E.Message(reactionMessage=react))

    return build


def poll_vote(at: int) -> Any:
    update = E2E.PollUpdateMessage(
        pollCreationMessageKey=key(GROUP_JID, "3EB07A8B9C0D1E2F3A4B", participant=BOB_JID),
        vote=E2E.PollEncValue(encPayload=bytes(range(48)), encIV=bytes(range(12))),
        senderTimestampMS=at,
    )
    sent = info(
        "3EB0B07E000000000001",
        group_jid(),
        jid(ANNA_LID, "lid"),
        ts_ms=at,
        push_name="Anna",
        wa_type="poll",
        sender_alt=jid(ANNA),
        addressing=N.AddressingMode.LID,
    )
    return message_ev(sent, E2E.Message(pollUpdateMessage=update))


SAMSTAG = DecryptedVote((hashlib.sha256(b"Samstag").digest(),), ("Freitag", "Samstag", "Sonntag"))


def forwarded_to_all(at: int) -> Any:
    """Bob forwards a flyer text that went round many times, to @all, in the group whose
    messages disappear after 7 days; he is a verified business (MessageInfo.VerifiedName)."""
    flyer = E2E.ExtendedTextMessage(
        text="@all Flohmarkt am Samstag, 10 bis 16 Uhr, Lindenstraße 🧺",
        contextInfo=E2E.ContextInfo(
            isForwarded=True, forwardingScore=7, expiration=604_800, nonJIDMentions=1
        ),
    )
    sent = info("3EB0F0A1B2C3D4E5F607", group_jid(), jid(BOB), ts_ms=at, push_name="Bob")
    sent.VerifiedName.Details.verifiedName = "Bob's Bikes"
    return message_ev(sent, E2E.Message(extendedTextMessage=flyer), IsEphemeral=True)


def pinned(at: int) -> Any:
    """Bob pins Anna's cake message (sent from her LID) for everyone in the group."""
    pin = E2E.PinInChatMessage(
        key=key(GROUP_JID, "3EB0A9E1F2C3D4B5A6C7", participant=ANNA_LID_JID),
        type=E2E.PinInChatMessage.PIN_FOR_ALL,
        senderTimestampMS=at,
    )
    sent = info("3EB0919E000000000001", group_jid(), jid(BOB), ts_ms=at, push_name="Bob", wa_type="text")
    return message_ev(sent, E2E.Message(pinInChatMessage=pin))


def kept(at: int) -> Any:
    """I keep my voice note to Anna from disappearing (the chat has disappearing messages on)."""
    keep = E2E.KeepInChatMessage(
        key=key(ANNA_JID, "3EB0F7E6D5C4B3A29180", from_me=True),
        keepType=E2E.KeepType.KEEP_FOR_ALL,
        timestampMS=at,
    )
    return i_say_to_anna("3EB0CEE9000000000001", at, E2E.Message(keepInChatMessage=keep))


def _call_meta(at: int, caller: Any) -> Any:
    return N.BasicCallMeta(
        callCreator=caller, callID="CA1D7E0C4A11B2C3D4E5", timestamp=at // 1000, **{"from": caller}
    )


def call_offer(at: int) -> Any:
    """Anna video-calls me (the offer node has a `video` child)."""
    offer = N.Node(Tag="offer", Nodes=[N.Node(Tag="audio"), N.Node(Tag="video")])
    return N.CallOffer(basicCallMeta=_call_meta(at, jid(ANNA, device=3)), data=offer)


def call_terminate(at: int) -> Any:
    """Nobody answered: Anna's call ends (never accepted: missed)."""
    return N.CallTerminate(basicCallMeta=_call_meta(at, jid(ANNA, device=3)), reason="timeout")


def picture_changed(at: int, *, who: Any, author: Any, removed: bool) -> Any:
    """neonize's PictureEv (Timestamp in seconds); Author is Go's zero JID for a person's own."""
    return N.Picture(JID=who, Author=author, Timestamp=at // 1000, Remove=removed)


def picture_removed(at: int) -> Any:
    """Anna removes her profile picture."""
    return picture_changed(at, who=jid(ANNA), author=empty_jid(), removed=True)


# Bob's new picture for the group, as get_profile_picture describes it and the CDN serves it.
GROUP_PICTURE_ID = "1764001310"
GROUP_PICTURE_URL = "https://pps.whatsapp.net/v/t61.24694-24/1764001310_n.jpg?ccb=11-4&oh=01_Q5A&oe=69400000"


def group_picture_changed(at: int) -> Any:
    """Bob changes the group's picture (the event says only that; the picture is asked for)."""
    return picture_changed(at, who=group_jid(), author=jid(BOB, device=4), removed=False)


# The message secret Anna's "Hallo!" (3EB0C767D26A1D6B8A2F) carried in its messageContextInfo.
ANNA_HALLO_SECRET = hashlib.sha256(b"messageSecret of 3EB0C767D26A1D6B8A2F").digest()
ANNA_HALLO = ("3EB0C767D26A1D6B8A2F", ANNA_JID, ANNA_HALLO_SECRET)
SEALED_IV = bytes(range(100, 112))


def sealed(original: tuple[str, str, bytes], chat: str, modifier: str, plaintext: Any, kind: int) -> Any:
    """A SecretEncryptedMessage as the modifier's phone makes it (whatsmeow encryptMsgSecret) for
    their own message in `chat` (the key's fromMe is relative to the editor)."""
    original_id, original_sender, secret = original
    payload = msgsecret.seal(
        plaintext.SerializeToString(),
        msgsecret.MESSAGE_EDIT if kind == E2E.SecretEncryptedMessage.MESSAGE_EDIT else msgsecret.EVENT_EDIT,
        secret,
        SEALED_IV,
        original_id=original_id,
        original_sender=original_sender,
        modifier=modifier,
    )
    return E2E.SecretEncryptedMessage(
        targetMessageKey=key(chat, original_id, from_me=True),
        encPayload=payload,
        encIV=SEALED_IV,
        secretEncType=kind,
    )


def sealed_edit(at: int) -> Any:
    """Anna edits her "Hallo!" again, sealed with its message secret (how phones now send edits)."""
    change = E2E.ProtocolMessage(
        type=E2E.ProtocolMessage.MESSAGE_EDIT,
        key=key(ANNA_JID, "3EB0C767D26A1D6B8A2F", from_me=True),
        editedMessage=text("Hallo! Bist du heute Abend wirklich da?"),
        timestampMS=at,
    )
    edit_sealed = sealed(
        ANNA_HALLO,
        ANNA_JID,
        ANNA_JID,
        E2E.Message(protocolMessage=change),
        E2E.SecretEncryptedMessage.MESSAGE_EDIT,
    )
    sent = info("3EB0E1D1700000000002", jid(ANNA), jid(ANNA, device=3), ts_ms=at, push_name="Anna")
    return message_ev(sent, E2E.Message(secretEncryptedMessage=edit_sealed))


BOB_FLOHMARKT_SECRET = hashlib.sha256(b"messageSecret of 3EB0FEDCBA9876543210").digest()


def sealed_unknown_secret(at: int) -> Any:
    """Bob moves his Flohmarkt event, sealed with a secret this connector never saw: kept sealed."""
    moved = E2E.EventMessage(name="Flohmarkt", startTime=1_764_432_000, isCanceled=False)
    original = ("3EB0FEDCBA9876543210", BOB_JID, BOB_FLOHMARKT_SECRET)
    event_sealed = sealed(
        original, GROUP_JID, BOB_JID, E2E.Message(eventMessage=moved), E2E.SecretEncryptedMessage.EVENT_EDIT
    )
    sent = info("3EB0E1D1700000000003", group_jid(), jid(BOB), ts_ms=at, push_name="Bob")
    return message_ev(sent, E2E.Message(secretEncryptedMessage=event_sealed))


# --- channels (newsletters) and status (stories) ------------------------------------------------

NEWSLETTER_JID = "120363111111111111@newsletter"  # "Stadtwerke Info" (golden chat_newsletter)


def channel_posts(msg_id: str, at: int, message: Any, server_id: int, **flags: Any) -> Any:
    """A post of a channel we follow: whatsmeow's plaintext MessageEv, chat = sender = the channel."""
    channel = jid(NEWSLETTER_JID.split("@", maxsplit=1)[0], "newsletter")
    post_info = info(
        msg_id, channel, channel, ts_ms=at, wa_type="media" if message.HasField("imageMessage") else "text"
    )
    post_info.ServerID = server_id
    return message_ev(post_info, message, **flags)


def newsletter_image(
    at: int, caption: str = "Wasserleitung Lindenstraße: Arbeiten heute 8 bis 12 Uhr"
) -> Any:
    """Channel media is not encrypted: no media key, no encrypted hash (whatsmeow checks the plain hash)."""
    picture = E2E.ImageMessage(
        mimetype="image/jpeg",
        caption=caption,
        width=1280,
        height=720,
        JPEGThumbnail=THUMBNAIL,
        fileSHA256=base64.b64decode("p8Xh3ZzVq0Q8O9j2m2b4cR1x0K5n1r3W7b9d2f4h6j8="),
        fileLength=96_512,
        directPath="/o1/v/t24/f2/m232/AQNbq3newsletter_n.jpg?ccb=9-4",
        mediaKeyTimestamp=1_764_000_000,
    )
    return channel_posts("3EB0NL0000000000A001", at, E2E.Message(imageMessage=picture), 117)


def newsletter_edit(at: int) -> Any:
    """The channel corrected the post of newsletter_image (sent at T0 + 900 s): the whole new post
    under the same id, NewsLetterMeta.EditTS in seconds (as neonize encodes it)."""
    sent_at = T0 + 900_000
    post = newsletter_image(sent_at, caption="Arbeiten verschoben auf morgen 8 bis 12 Uhr")
    post.NewsLetterMeta.CopyFrom(N.NewsLetterMessageMeta(EditTS=at // 1000, OriginalTS=sent_at // 1000))
    return post


def anna_posts_status(at: int) -> Any:
    """A status (story) of Anna's: chat status@broadcast, Anna the sender (whatsmeow: IsGroup)."""
    picture = E2E.ImageMessage(
        mimetype="image/jpeg",
        caption="Erster Schnee ❄️",
        width=1080,
        height=1920,
        JPEGThumbnail=THUMBNAIL,
        **media(
            "Zm9vYmFyc3RhdHVzaW1hZ2VzaGEyNTZzdGF0dXNpbWc=",
            "c3RhdHVzZW5jc2hhMjU2c3RhdHVzZW5jc2hhMjU2c3Q=",
            221_104,
            "/v/t62.7118-24/5522113344_status_n.enc?ccb=11-4",
        ),
    )
    status_info = info("3EB0ST0000000000B001", jid("status", "broadcast"), jid(ANNA, device=3), ts_ms=at,
                       push_name="Anna", wa_type="media", media_type="image")  # fmt: skip
    status_info.MessageSource.IsGroup = True
    return message_ev(status_info, E2E.Message(imageMessage=picture))
