"""System entries of a chat's timeline: group changes ("Anna changed the subject to ...", "Bob
added Carla") and calls, kept as rows of `messages` with their own types (decision 2026-12-06).

One mechanism for every such entry: a message row whose `message_type` is `system` (a group
change) or `call` (a call-log entry), whose id is derived from what it records (so a replay or a
second copy lands on the same row), and whose `content` holds the structured fields the UI words
(never a sentence with names baked in: names are looked up when shown). Keyset pages, the `around`
jump, live changes, search and exports see them as they see any message.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from deeplens.domain.archive_rows import MessageRow
from deeplens.domain.envelope import CallLogged, GroupChanged

SYSTEM_TYPE = "system"
CALL_TYPE = "call"
TIMELINE_TYPES = frozenset({SYSTEM_TYPE, CALL_TYPE})
CALL_ENTRY_STEPS = frozenset({"offer", "log"})  # the steps that know when the call began


def system_id(chat: str, fields: dict[str, Any]) -> str:
    """`sys-` + a digest of the change: the same change, however often it arrives, is one row."""
    digest = hashlib.sha256(json.dumps([chat, fields], sort_keys=True).encode()).hexdigest()
    return f"sys-{digest[:32]}"


def call_entry_id(call_id: str) -> str:
    return f"call-{call_id}"


def group_change_fields(event: GroupChanged) -> dict[str, Any]:
    """What the entry records, as the event said it: the id is a digest of these, so it does not
    depend on which LIDs were already known (the API names a LID through the contact that has it)."""
    return {
        "change": event.change,
        "actor_jid": event.actor_jid,
        "participants": list(event.participants),
        "value": event.value,
        "on": event.on,
        "timer_s": event.timer_s,
        "at": event.changed_at_ms,
    }


def group_change_row(chat: str, event: GroupChanged, actor: str | None) -> MessageRow:
    """The timeline entry of one group change; `actor`: the canonical JID of who did it (the
    sender column, moved like any sender's when a LID turns out to be a phone number)."""
    fields = group_change_fields(event)
    return MessageRow(
        chat_jid=chat,
        id=system_id(chat, fields),
        sender_jid=actor,
        sender_alt_jid=None,
        remote_jid=actor,
        from_me=False,
        push_name=None,
        content={"system": fields},
        message_type=SYSTEM_TYPE,
        text_body=None,
        file_id=None,
        quoted_id=None,
        timestamp=event.changed_at_ms,
        source=event.source,
    )


def call_entry_row(chat: str, caller: str | None, event: CallLogged) -> MessageRow | None:
    """The call's entry in its chat, from the steps that say when it began (an offer, or a history
    log entry); its details (outcome, duration) are the folded `calls` row's, joined when read."""
    if event.step not in CALL_ENTRY_STEPS:
        return None
    return MessageRow(
        chat_jid=chat,
        id=call_entry_id(event.call_id),
        sender_jid=caller,
        sender_alt_jid=None,
        remote_jid=caller,
        from_me=event.from_me,
        push_name=None,
        content={"call": {"call_id": event.call_id}},
        message_type=CALL_TYPE,
        text_body=None,
        file_id=None,
        quoted_id=None,
        timestamp=event.at_ms,
        source=event.source,
    )


_WORDING: dict[str, str] = {  # {actor}, {who} (the participants), {value}; the UI words the same
    "subject": "{actor} changed the subject to “{value}”",
    "description": "{actor} changed the group description",
    "announce": "{actor} changed who can send messages",
    "locked": "{actor} changed who can edit the group info",
    "ephemeral": "{actor} changed the disappearing messages setting",
    "joined": "{who} joined",
    "added": "{actor} added {who}",
    "left": "{who} left",
    "removed": "{actor} removed {who}",
    "promoted": "{who} is now an admin",
    "demoted": "{who} is no longer an admin",
    "invite_link": "{actor} reset the group's invite link",
    "deleted": "{actor} deleted the group",
}


def _number(jid: str) -> str:
    """+4915112345678 for a phone JID; the bare user part of any other (a LID)."""
    user, _, server = jid.partition("@")
    return f"+{user}" if server == "s.whatsapp.net" else user


def entry_sentence(content: Any, actor: str) -> str | None:
    """A plain sentence for a timeline entry's `content` (exports, which have no UI to word it):
    participants by number. None: not a timeline entry."""
    if not isinstance(content, dict):
        return None
    if isinstance(content.get("call"), dict):
        return "📞 Call"
    fields = content.get("system")
    if not isinstance(fields, dict):
        return None
    who = ", ".join(_number(str(jid)) for jid in fields.get("participants") or ()) or "someone"
    template = _WORDING.get(str(fields.get("change")), "{actor} changed the group")
    return template.format(actor=actor, who=who, value=fields.get("value") or "")
