"""Build `demo-session.rec`: a small recorded session for `make demo` and the end-to-end tests.

    .venv/bin/python -m deeplens_connector.sample.build_sample [OUTPUT]

Our own account 4917000000001 with Anna (direct chat) and a family group with Bob: texts, an
image and a voice note (their bytes are in the recording; the voice note is real Ogg/Opus a
browser plays), an image whose bytes are not (expired media -> `unavailable`), an edit, a revoke,
a reaction, read receipts and a history-sync chunk. Anna also forwards two messages (one
"forwarded many times"), edits a message of hers with a *sealed* edit (a secretEncryptedMessage,
AES-GCM under the original's messageSecret, as her phone would send it), video-calls us unanswered
(a live CallOffer/CallTerminate pair: a missed call) and we pin her message in the chat. The history
chunk also holds the family group's past (GROUP_HISTORY messages, several pages of the web UI, one
with the word SEARCH_WORD near the start, one photo with its bytes), two more direct chats and a
second group; David sends two documents: a PDF invoice and a hostile HTML file (a `<script>`, a
Cyrillic + emoji name) that the archive must only ever hand out as a download. Anna and the family
group have profile pictures (JPEGs the replay's picture fetcher stores, as it would fetch them
live). Enough for the browser journeys (tests/e2e) to page, search, jump, play and download.
Deterministic: the same bytes on every run.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

from neonize.proto import Neonize_pb2 as N
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E
from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as HS
from neonize.proto.waWeb.WAWebProtobufsWeb_pb2 import WebMessageInfo

from deeplens_connector import msgsecret
from deeplens_connector.replay import RecordWriter
from deeplens_connector.sample.protos import complete, jid, jpeg, key, media_fields, message, pdf, png, text
from deeplens_connector.sample.voice_note import VOICE_NOTE, VOICE_NOTE_SECONDS

SAMPLE = Path(__file__).with_name("demo-session.rec")
ME, ANNA, BOB, ANNA_LID = "4917000000001", "4915112345678", "4915187654321", "123456789012345"
CARLA, DAVID = "4915122223333", "4915144445555"
GROUP, CLUB = "120363012345678901", "120363099999999901"
ANNA_JID, GROUP_JID = f"{ANNA}@s.whatsapp.net", f"{GROUP}@g.us"
BOB_JID, CARLA_JID, DAVID_JID = (f"{user}@s.whatsapp.net" for user in (BOB, CARLA, DAVID))
CLUB_JID, ME_JID = f"{CLUB}@g.us", f"{ME}@s.whatsapp.net"
GROUP_HISTORY = 220  # history messages of the family group: more than 4 pages of 50
SEARCH_WORD = "zeppelin"  # only in one old family message (GROUP_HISTORY_WORD_AT)
GROUP_HISTORY_WORD_AT, GROUP_HISTORY_PHOTO_AT = 4, 140
T0 = 1_764_000_000_000  # 2025-11-24T16:00:00Z, ms
PHOTO = png(48, 32, (230, 120, 40))
VOICE = VOICE_NOTE  # 1.2 s of Ogg/Opus
GROUP_PHOTO = png(160, 100, (40, 90, 200))
PHOTO_PATH, VOICE_PATH = "/v/t62.7118-24/demo_photo.enc", "/v/t62.7118-24/demo_voice.enc"
GROUP_PHOTO_PATH = "/v/t62.7118-24/demo_group_photo.enc"
EXPIRED_PATH = "/v/t62.7118-24/demo_expired.enc"  # not in the recording: the CDN says 410
INVOICE_NAME, INVOICE_ID = "Invoice 2025-11.pdf", "3EB0MORE1002"
INVOICE = pdf("Invoice 2025-11: 42.00 EUR, thanks David")
HOSTILE_NAME, HOSTILE_ID = "отчёт 🔥.html", "3EB0MORE1003"
HOSTILE_MARKER = "/hostile-script-ran"  # the script asks for this path: a request for it means it ran
HOSTILE = (
    "<!doctype html><meta charset=utf-8><title>отчёт</title>\n"
    f"<script>document.title = 'pwned'; fetch('{HOSTILE_MARKER}?cookie=' + document.cookie);</script>\n"
    "<p>Rendered inline in the archive's origin, this page could act as the signed-in user.</p>\n"
).encode()
INVOICE_PATH, HOSTILE_PATH = "/v/t62.7119-24/demo_invoice.enc", "/v/t62.7119-24/demo_hostile.enc"
# Profile pictures (what get_profile_picture and the CDN would give): Anna's and the family group's.
ANNA_PICTURE_ID, GROUP_PICTURE_ID = "1764000100", "1764000200"
ANNA_PICTURE, GROUP_PICTURE = jpeg(96, (230, 120, 40)), jpeg(96, (40, 90, 200))
# Anna's later messages: two forwarded (score 1, and FORWARDED_MANY_SCORE: "forwarded many times"),
# one she edits with a sealed edit (its messageSecret fixed: deterministic), which we pin; her call.
FORWARDED_ID, FORWARDED_TEXT = "3EB0DEMO0007", "Recipe: lemon cake with thyme"
FORWARDED_MANY_ID, FORWARDED_MANY_TEXT, FORWARDED_MANY_SCORE = "3EB0DEMO0008", "Chain letter: send this on", 7
SEALED_ORIGINAL_ID, SEALED_ORIGINAL_TEXT = "3EB0DEMO0009", "Table for four at Luigi's, 7:30"
SEALED_EDIT_ID, SEALED_EDITED_TEXT = "3EB0DEMO0010", "Table for five at Luigi's, 7:30"
SEALED_SECRET = hashlib.sha256(b"messageSecret of 3EB0DEMO0009").digest()
SEALED_IV = bytes(range(40, 52))
PIN_ID, CALL_ID = "3EB0DEMO0011", "CADEMO0000000000001"
T_ANNA_MORE = T0 + 40_000  # Anna's later messages, after the receipt, 5 s apart


def anna(msg_id: str, at: int, content: Any, **options: Any) -> Any:
    return message(msg_id, jid(ANNA), jid(ANNA, device=3), at, content, push_name="Anna", **options)


def me_to_anna(msg_id: str, at: int, content: Any, **options: Any) -> Any:
    return message(msg_id, jid(ANNA), jid(ME, device=2), at, content, from_me=True, **options)


def bob(msg_id: str, at: int, content: Any, **options: Any) -> Any:
    return message(msg_id, jid(GROUP, "g.us"), jid(BOB), at, content, push_name="Bob", **options)


def live_events() -> list[Any]:
    photo = E2E.ImageMessage(
        mimetype="image/png",
        caption="Sunset at the beach",
        width=48,
        height=32,
        **media_fields(PHOTO, PHOTO_PATH),
    )
    voice = E2E.AudioMessage(
        mimetype="audio/ogg; codecs=opus",
        seconds=round(VOICE_NOTE_SECONDS),
        PTT=True,
        **media_fields(VOICE, VOICE_PATH),
    )
    old = E2E.ImageMessage(
        mimetype="image/jpeg", caption="from last year", **media_fields(b"gone" * 100, EXPIRED_PATH)
    )
    edit = E2E.ProtocolMessage(
        type=E2E.ProtocolMessage.MESSAGE_EDIT,
        key=key(ANNA_JID, "3EB0DEMO0001"),
        editedMessage=text("Hi! Are you coming tonight? 🎉"),
        timestampMS=T0 + 9_000,
    )
    revoke = E2E.ProtocolMessage(type=E2E.ProtocolMessage.REVOKE, key=key(GROUP_JID, "3EB0DEMO0102"))
    react = E2E.ReactionMessage(key=key(ANNA_JID, "3EB0DEMO0002"), text="❤️", senderTimestampMS=T0 + 12_000)
    return [
        N.Device(JID=jid(ME), LID=jid("100000000000001", "lid"), PushName="Me", Initialized=True),
        N.Connected(status=True),
        anna("3EB0DEMO0001", T0, text("Hi! Are you coming tonight?")),
        anna(
            "3EB0DEMO0002", T0 + 2_000, E2E.Message(imageMessage=photo), wa_type="media", media_type="image"
        ),
        me_to_anna(
            "3EB0DEMO0003", T0 + 4_000, E2E.Message(audioMessage=voice), wa_type="media", media_type="ptt"
        ),
        anna("3EB0DEMO0004", T0 + 6_000, E2E.Message(imageMessage=old), wa_type="media", media_type="image"),
        anna("3EB0DEMO0005", T0 + 9_000, E2E.Message(protocolMessage=edit), edit="1", flags={"IsEdit": True}),
        me_to_anna("3EB0DEMO0006", T0 + 12_000, E2E.Message(reactionMessage=react), wa_type="reaction"),
        bob("3EB0DEMO0101", T0 + 20_000, text("Dinner at 8 on Sunday?")),
        bob("3EB0DEMO0102", T0 + 21_000, text("oops, wrong group")),
        bob("3EB0DEMO0103", T0 + 25_000, E2E.Message(protocolMessage=revoke), edit="7"),
        _receipt(ANNA, ["3EB0DEMO0003"], (T0 + 30_000) // 1000),
        *anna_more(),
        N.HistorySync(Data=history()),
    ]


def anna_more() -> list[Any]:
    """Anna forwards two messages, edits one of hers sealed, we pin it, she calls unanswered."""
    at = T_ANNA_MORE
    pin = E2E.PinInChatMessage(
        key=key(ANNA_JID, SEALED_ORIGINAL_ID),
        type=E2E.PinInChatMessage.PIN_FOR_ALL,
        senderTimestampMS=at + 20_000,
    )
    return [
        anna(FORWARDED_ID, at, _forwarded(FORWARDED_TEXT, 1)),
        anna(FORWARDED_MANY_ID, at + 5_000, _forwarded(FORWARDED_MANY_TEXT, FORWARDED_MANY_SCORE)),
        anna(SEALED_ORIGINAL_ID, at + 10_000, _with_secret(text(SEALED_ORIGINAL_TEXT), SEALED_SECRET)),
        anna(SEALED_EDIT_ID, at + 15_000, _sealed_edit(text(SEALED_EDITED_TEXT), at + 15_000)),
        me_to_anna(PIN_ID, at + 20_000, E2E.Message(pinInChatMessage=pin)),
        *_missed_video_call(at + 25_000),
    ]


def _forwarded(body: str, score: int) -> Any:
    context = E2E.ContextInfo(isForwarded=True, forwardingScore=score)
    return E2E.Message(extendedTextMessage=E2E.ExtendedTextMessage(text=body, contextInfo=context))


def _with_secret(content: Any, secret: bytes) -> Any:
    """A message as a phone sends it: with the 32-byte secret later sealed changes are keyed on."""
    content.messageContextInfo.messageSecret = secret
    return content


def _sealed_edit(new_body: Any, at: int) -> Any:
    """Anna's edit of SEALED_ORIGINAL_ID as her phone seals it (whatsmeow encryptMsgSecret): the
    whole MESSAGE_EDIT protocol message, AES-GCM under a key derived from the original's secret."""
    edit = E2E.ProtocolMessage(
        type=E2E.ProtocolMessage.MESSAGE_EDIT,
        key=key(ANNA_JID, SEALED_ORIGINAL_ID, from_me=True),  # fromMe: relative to the editor, Anna
        editedMessage=new_body,
        timestampMS=at,
    )
    payload = msgsecret.seal(
        E2E.Message(protocolMessage=edit).SerializeToString(),
        msgsecret.MESSAGE_EDIT,
        SEALED_SECRET,
        SEALED_IV,
        original_id=SEALED_ORIGINAL_ID,
        original_sender=ANNA_JID,
        modifier=ANNA_JID,
    )
    sealed = E2E.SecretEncryptedMessage(
        targetMessageKey=key(ANNA_JID, SEALED_ORIGINAL_ID, from_me=True),
        encPayload=payload,
        encIV=SEALED_IV,
        secretEncType=E2E.SecretEncryptedMessage.MESSAGE_EDIT,
    )
    return E2E.Message(secretEncryptedMessage=sealed)


def _missed_video_call(at: int) -> list[Any]:
    """Anna video-calls (the offer node has a `video` child); nobody answers: the call ends."""
    caller = jid(ANNA, device=3)
    offer = N.Node(Tag="offer", Nodes=[N.Node(Tag="audio"), N.Node(Tag="video")])
    return [
        N.CallOffer(basicCallMeta=_call_meta(caller, at), data=offer),
        N.CallTerminate(basicCallMeta=_call_meta(caller, at + 30_000), reason="timeout"),
    ]


def _call_meta(caller: Any, at: int) -> Any:
    return N.BasicCallMeta(callCreator=caller, callID=CALL_ID, timestamp=at // 1000, **{"from": caller})


def _receipt(user: str, ids: list[str], at_s: int) -> Any:
    src = N.MessageSource(Chat=jid(user), Sender=jid(user), IsFromMe=False, IsGroup=False)
    return N.Receipt(MessageSource=src, MessageIDs=ids, Timestamp=at_s, Type=N.Receipt.READ)


def history() -> Any:
    hs = HS.HistorySync(syncType=HS.HistorySync.INITIAL_BOOTSTRAP, chunkOrder=1, progress=100)
    chat = hs.conversations.add(ID=ANNA_JID, name="Anna")
    for n, body in enumerate(("Last week's photos are great", "Thanks! See you soon")):
        web = WebMessageInfo(
            key=key(ANNA_JID, f"3EB0HIST{n:04d}", from_me=n == 1),
            messageTimestamp=(T0 - 7 * 86_400_000) // 1000 + n * 60,
            message=text(body),
        )
        chat.messages.add(msgOrderID=n + 1).message.CopyFrom(web)
    _family_history(hs.conversations.add(ID=GROUP_JID, name="Family"))
    _short_chats(hs)
    for user_jid, name in ((ANNA_JID, "Anna"), (BOB_JID, "Bob"), (CARLA_JID, "Carla"), (DAVID_JID, "David")):
        hs.pushnames.add(ID=user_jid, pushname=name)
    hs.phoneNumberToLidMappings.add(pnJID=ANNA_JID, lidJID=f"{ANNA_LID}@lid")
    return hs


_CHATTER = (
    "Who is bringing the cake?", "I can pick up grandma at noon", "The train is late again",
    "Photos from the garden are in the album", "Don't forget the birthday card",
    "Is the heating fixed?", "Ha, classic", "See you all on Saturday", "Can someone call the plumber?",
    "The kids loved the museum",
)  # fmt: skip


def _family_history(chat: Any) -> None:
    """GROUP_HISTORY messages, one an hour, from Bob, Carla and us; one word and one photo placed."""
    for who in (BOB_JID, CARLA_JID, ME_JID):
        chat.participant.add(userJID=who)
    start_s = (T0 - 12 * 86_400_000) // 1000
    for n in range(GROUP_HISTORY):
        sender = (BOB_JID, CARLA_JID, ME_JID)[n % 3]
        web = WebMessageInfo(
            key=key(GROUP_JID, f"3EB0FAM{n:05d}", from_me=sender == ME_JID),
            messageTimestamp=start_s + n * 3600,
            participant=None if sender == ME_JID else sender,
            message=_family_content(n),
        )
        chat.messages.add(msgOrderID=n + 1).message.CopyFrom(web)


def _family_content(n: int) -> Any:
    if n == GROUP_HISTORY_WORD_AT:
        return text(f"Grandpa finished the {SEARCH_WORD} model, it hangs in the hall now")
    if n == GROUP_HISTORY_PHOTO_AT:
        photo = E2E.ImageMessage(
            mimetype="image/png",
            caption="The lake house",
            width=160,
            height=100,
            **media_fields(GROUP_PHOTO, GROUP_PHOTO_PATH),
        )
        return E2E.Message(imageMessage=photo)
    return text(f"{_CHATTER[n % len(_CHATTER)]} ({n + 1})")


def _short_chats(hs: Any) -> None:
    """Two more direct chats and a second group, a few messages each; David's two documents."""
    chats = (
        (CARLA_JID, "Carla", None, ("Lunch tomorrow?", "Sure, 12:30 at the usual place")),
        (DAVID_JID, "David", None, ("The invoice is attached in the mail", "Got it, thanks", *_documents())),
        (CLUB_JID, "Book club", DAVID_JID, ("Next book: The Left Hand of Darkness", "Great pick")),
    )
    for n, (chat_jid, name, member, contents) in enumerate(chats):
        chat = hs.conversations.add(ID=chat_jid, name=name)
        for m, content in enumerate(contents):
            web = WebMessageInfo(
                key=key(chat_jid, f"3EB0MORE{n}{m:03d}", from_me=m == 1),
                messageTimestamp=(T0 - (3 - n) * 86_400_000) // 1000 + m * 120,
                participant=member if m == 0 else None,
                message=text(content) if isinstance(content, str) else content,
            )
            chat.messages.add(msgOrderID=m + 1).message.CopyFrom(web)


def _documents() -> tuple[Any, Any]:
    """David's PDF (INVOICE_ID) and hostile HTML file (HOSTILE_ID), in that order."""
    invoice = E2E.DocumentMessage(
        mimetype="application/pdf",
        title=INVOICE_NAME,
        fileName=INVOICE_NAME,
        pageCount=1,
        caption="Here it is after all",
        **media_fields(INVOICE, INVOICE_PATH),
    )
    hostile = E2E.DocumentMessage(
        mimetype="text/html", title=HOSTILE_NAME, fileName=HOSTILE_NAME, **media_fields(HOSTILE, HOSTILE_PATH)
    )
    return E2E.Message(documentMessage=invoice), E2E.Message(documentMessage=hostile)


RECORDED_MEDIA = (
    (PHOTO_PATH, PHOTO),
    (VOICE_PATH, VOICE),
    (GROUP_PHOTO_PATH, GROUP_PHOTO),
    (INVOICE_PATH, INVOICE),
    (HOSTILE_PATH, HOSTILE),
)


RECORDED_PICTURES = (
    (f"profile/{ANNA_JID}/{ANNA_PICTURE_ID}.jpg", ANNA_PICTURE),
    (f"profile/{GROUP_JID}/{GROUP_PICTURE_ID}.jpg", GROUP_PICTURE),
)


def build(output: Path) -> Path:
    with output.open("wb") as handle:
        writer = RecordWriter(handle)
        for path, data in RECORDED_MEDIA:
            writer.media(path, data)
        for key, data in RECORDED_PICTURES:
            writer.picture(key, data)
        for ev in live_events():
            writer.event(complete(ev))
    return output


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE)
