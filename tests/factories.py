"""Envelope v1 dicts for tests: small builders and one coherent story of ~50 related events."""

from __future__ import annotations

import itertools
from typing import Any

SESSION = "primary_agent"
PN = "4915112345678@s.whatsapp.net"
LID = "123456789012345@lid"
BOB_PN = "4915187654321@s.whatsapp.net"
BOB_LID = "987654321098765@lid"
ME = "4917000000001@s.whatsapp.net"
GROUP = "120363012345678901@g.us"
COMMUNITY = "120363099999999999@g.us"
T0 = 1_764_000_000_000

_ids = itertools.count(1)


def base(kind: str, at: int, source: str = "live", event_id: str | None = None) -> dict[str, Any]:
    return {
        "v": 1,
        "event_id": event_id or f"ev-{kind}-{next(_ids)}",
        "session": SESSION,
        "kind": kind,
        "occurred_at_ms": at,
        "source": source,
    }


def message(
    chat: str, message_id: str, sender: str, at: int, text: str | None = "hi", **extra: Any
) -> dict[str, Any]:
    source = extra.pop("source", "live")
    event = base("message", at, source, event_id=f"msg-{chat}-{message_id}-{source}")
    event.update(
        chat_jid=chat,
        chat_kind="group" if chat.endswith("@g.us") else "direct",
        message_id=message_id,
        sender_jid=sender,
        sender_alt_jid=None,
        from_me=sender == ME,
        push_name=None,
        timestamp_ms=at,
        type="text",
        text=text,
        media=None,
        quoted=None,
        mentions=[],
        flags={"view_once": False, "ephemeral": False, "forwarded": False},
        location=None,
        contacts=[],
        poll=None,
        raw={"conversation": text} if text else None,
    )
    event.update(extra)
    return event


def media(file_id: str, status: str, key: str | None, **extra: Any) -> dict[str, Any]:
    item = {
        "file_id": file_id,
        "key": key,
        "mime": "image/jpeg",
        "size": 52_431,
        "sha256": "ab" * 32 if key else None,
        "duration_s": None,
        "width": 1280,
        "height": 960,
        "file_name": None,
        "thumbnail_b64": None,
        "status": status,
        "error": None,
    }
    item.update(extra)
    return item


def key(chat: str, message_id: str, sender: str | None = None) -> dict[str, Any]:
    return {"chat_jid": chat, "message_id": message_id, "sender_jid": sender}


def edit(chat: str, message_id: str, text: str, at: int) -> dict[str, Any]:
    event = base("edit", at, event_id=f"edit-{message_id}-{at}")
    event.update(target=key(chat, message_id), new_text=text, new_raw={"conversation": text}, edited_at_ms=at)
    return event


def revoke(chat: str, message_id: str, by: str, at: int) -> dict[str, Any]:
    event = base("revoke", at, event_id=f"revoke-{message_id}-{at}")
    event.update(target=key(chat, message_id), revoked_by=by, revoked_at_ms=at)
    return event


def reaction(chat: str, message_id: str, reactor: str, emoji: str, at: int) -> dict[str, Any]:
    event = base("reaction", at, event_id=f"react-{message_id}-{reactor}-{at}")
    event.update(target=key(chat, message_id), reactor_jid=reactor, emoji=emoji, reacted_at_ms=at)
    return event


def receipt(
    chat: str, message_ids: list[str], status: int, at: int, reader: str | None = None
) -> dict[str, Any]:
    event = base("receipt", at, event_id=f"receipt-{'-'.join(message_ids)}-{status}-{at}")
    event.update(chat_jid=chat, message_ids=message_ids, reader_jid=reader, status=status, receipt_at_ms=at)
    return event


def chat(jid: str, kind: str, name: str | None, at: int, **extra: Any) -> dict[str, Any]:
    event = base("chat", at, event_id=f"chat-{jid}-{at}")
    event.update(
        jid=jid,
        name=name,
        chat_kind=kind,
        parent_jid=None,
        participants=None,
        unread_count=None,
        is_archived=None,
        last_msg_timestamp_ms=None,
    )
    event.update(extra)
    return event


def contact(jid: str, at: int, **extra: Any) -> dict[str, Any]:
    event = base("contact", at, event_id=f"contact-{jid}-{at}")
    event.update(jid=jid, lid=None, phone_jid=None, push_name=None, full_name=None, business_name=None)
    event.update(extra)
    return event


def lid_mapping(lid: str, pn: str, at: int) -> dict[str, Any]:
    event = base("lid_mapping", at, event_id=f"map-{lid}")
    event.update(lid=lid, phone_jid=pn)
    return event


def poll_vote(chat: str, message_id: str, voter: str, options: list[str], at: int) -> dict[str, Any]:
    event = base("poll_vote", at, event_id=f"vote-{message_id}-{voter}-{at}")
    event.update(target=key(chat, message_id), voter_jid=voter, selected_options=options, voted_at_ms=at)
    return event


def connection(state: str, at: int) -> dict[str, Any]:
    event = base("connection", at, event_id=f"conn-{state}-{at}")
    event.update(state=state, detail=None)
    return event


def member(jid: str, admin: bool = False) -> dict[str, Any]:
    return {"jid": jid, "is_admin": admin, "is_super_admin": False}


def story() -> list[dict[str, Any]]:
    """~50 related events: LID/PN variants, history copies, edits, revokes, reactions, receipts."""
    t = T0
    image = {"type": "image", "text": "holiday"}
    events = [
        connection("connecting", t),
        connection("connected", t + 1),
        chat(
            GROUP,
            "group",
            "Team",
            t + 2,
            parent_jid=COMMUNITY,
            participants=[member(ME, True), member(BOB_LID)],
        ),
        chat(
            GROUP,
            "group",
            "Team (renamed)",
            t + 500,
            participants=[member(ME, True), member(BOB_PN), member(PN)],
        ),
        chat(COMMUNITY, "community", "Neighbourhood", t + 3),
        chat(PN, "direct", "Anna", t + 4, unread_count=2),
        contact(LID, t + 5, push_name="Anna"),
        contact(PN, t + 6, full_name="Anna Schmidt"),
        contact(BOB_PN, t + 7, push_name="Bob", lid=BOB_LID, phone_jid=BOB_PN),
        lid_mapping(LID, PN, t + 8),
        # direct chat: first seen under the LID (live), then the PN history copy of the same message
        message(LID, "3EB0A1", LID, t + 10, "Hallo, wie geht's?"),
        message(PN, "3EB0A1", PN, t + 10, "Hallo, wie geht's?", source="history", push_name="Anna"),
        message(PN, "3EB0A2", ME, t + 20, "Gut, danke!"),
        message(PN, "3EB0A3", ME, t + 30, **image, media=media("F0000000000000A3", "pending", None)),
        message(
            PN,
            "3EB0A3",
            ME,
            t + 30,
            **image,
            media=media("F0000000000000A3", "stored", f"{PN}/2025-11-24/F0000000000000A3.jpg"),
        ),
        message(LID, "3EB0A4", LID, t + 40, "Schau mal", sender_alt_jid=PN),
        receipt(PN, ["3EB0A2", "3EB0A3"], 1, t + 50),
        receipt(PN, ["3EB0A2"], 2, t + 60),
        receipt(LID, ["3EB0A3"], 3, t + 70),
        edit(LID, "3EB0A1", "Hallo, wie geht es dir?", t + 80),
        edit(PN, "3EB0A1", "Hallo! Wie geht es dir?", t + 90),
        reaction(PN, "3EB0A2", LID, "❤️", t + 100),
        reaction(PN, "3EB0A2", PN, "👍", t + 110),
        reaction(PN, "3EB0A4", ME, "😂", t + 120),
        reaction(PN, "3EB0A4", ME, "", t + 130),
        # group
        message(GROUP, "3EB0B1", ME, t + 200, "Meeting at 10?"),
        message(GROUP, "3EB0B2", BOB_LID, t + 210, "Yes", sender_alt_jid=BOB_PN),
        message(GROUP, "3EB0B2", BOB_PN, t + 210, "Yes", source="history"),
        message(GROUP, "3EB0B3", LID, t + 220, "Bin dabei"),
        message(GROUP, "3EB0B4", BOB_PN, t + 230, "Wrong chat, sorry"),
        revoke(GROUP, "3EB0B4", BOB_PN, t + 240),
        revoke(GROUP, "3EB0B4", BOB_LID, t + 250),
        message(
            GROUP,
            "3EB0B5",
            BOB_PN,
            t + 260,
            None,
            type="poll",
            poll={"question": "Lunch?", "options": ["Pizza", "Sushi"], "selectable_count": 1},
            raw={
                "pollCreationMessageV3": {
                    "name": "Lunch?",
                    "options": [{"optionName": "Pizza"}, {"optionName": "Sushi"}],
                    "selectableOptionsCount": 1,
                }
            },
        ),
        poll_vote(GROUP, "3EB0B5", PN, ["Pizza"], t + 270),
        poll_vote(GROUP, "3EB0B5", LID, ["Sushi"], t + 280),
        poll_vote(GROUP, "3EB0B5", ME, ["Pizza"], t + 290),
        edit(GROUP, "3EB0B1", "Meeting at 11?", t + 300),
        edit(GROUP, "3EB0B1", "Meeting at 11:30?", t + 310),
        reaction(GROUP, "3EB0B1", BOB_LID, "👍", t + 320),
        reaction(GROUP, "3EB0B1", LID, "👍", t + 330),
        reaction(GROUP, "3EB0B3", BOB_PN, "🎉", t + 340),
        receipt(GROUP, ["3EB0B1"], 1, t + 350, reader=BOB_PN),
        receipt(GROUP, ["3EB0B1"], 2, t + 360, reader=LID),
        message(
            GROUP, "3EB0B6", BOB_PN, t + 370, "see photo", quoted=key(GROUP, "3EB0B1", ME), mentions=[ME, LID]
        ),
        message(
            GROUP,
            "3EB0B7",
            LID,
            t + 380,
            None,
            type="image",
            media=media("F0000000000000B7", "unavailable", None, error="media expired (410)"),
        ),
        message(
            GROUP,
            "3EB0B7",
            PN,
            t + 380,
            None,
            type="image",
            source="history",
            media=media("F0000000000000B7", "failed", None, error="timeout"),
        ),
        message(GROUP, "3EB0B8", ME, t + 390, "history only", source="history"),
        receipt(GROUP, ["3EB0B8"], 2, t + 395),
        connection("offline", t + 400),
    ]
    return events


def message_state(
    chat: str, message_id: str, state: str, on: bool, at: int, *, actor: str | None = None
) -> dict[str, Any]:
    event = base("message_state", at, event_id=f"state-{message_id}-{state}-{at}-{int(on)}")
    event.update(target=key(chat, message_id), state=state, on=on, actor_jid=actor, changed_at_ms=at)
    return event
