"""A GroupInfoEvent's changes as `group_change` events: the group's timeline entries ("Anna changed
the subject to ...", "Bob added Carla"). translate_group_info (chats.py) adds them to the `chat`
events that keep the group's current state.

Who did it is the event's Sender; a member in Join that is the Sender joined (by link, or asked),
one that is not was added by the Sender; the same for Leave (left / removed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from deeplens.domain.envelope import GroupChange, GroupChanged
from deeplens.domain.ids import Jid

from deeplens_connector.translate.common import Origin, event_id
from deeplens_connector.translate.jids import jid_of


def group_changes(origin: Origin, chat: Jid, ev: Any) -> list[GroupChanged]:
    """Every change a GroupInfoEvent reports, in WhatsApp's order: settings, then members."""
    actor = jid_of(ev.Sender) if ev.HasField("Sender") else None
    at_ms = ev.Timestamp * 1000
    found = [*_settings(ev), *_members(ev, actor)]
    return [_changed(origin, chat, actor, at_ms, each) for each in found]


Found = tuple[GroupChange, dict[str, Any]]


def _found(change: GroupChange, **fields: Any) -> Found:
    return change, fields


def _settings(ev: Any) -> list[Found]:
    found: list[Found] = []
    if ev.HasField("Name"):
        found.append(_found("subject", value=ev.Name.Name or None))
    if ev.HasField("Topic"):
        found.append(_found("description", value=None if ev.Topic.TopicDeleted else ev.Topic.Topic or None))
    if ev.HasField("Announce"):
        found.append(_found("announce", on=ev.Announce.IsAnnounce))
    if ev.HasField("Locked"):
        found.append(_found("locked", on=ev.Locked.isLocked))
    if ev.HasField("Ephemeral"):
        timer = ev.Ephemeral.DisappearingTimer if ev.Ephemeral.IsEphemeral else None
        found.append(_found("ephemeral", on=ev.Ephemeral.IsEphemeral, timer_s=timer or None))
    if ev.HasField("NewInviteLink"):
        found.append(_found("invite_link"))  # that the link was reset; the link itself is not kept
    if ev.HasField("Delete") and ev.Delete.Deleted:
        found.append(_found("deleted"))
    return found


def _members(ev: Any, actor: Jid | None) -> list[Found]:
    found: list[Found] = []
    pairs: tuple[tuple[GroupChange, GroupChange, Any], ...] = (
        ("joined", "added", ev.Join),
        ("left", "removed", ev.Leave),
        ("promoted", "promoted", ev.Promote),
        ("demoted", "demoted", ev.Demote),
    )
    for self_change, other_change, members in pairs:
        own, others = _split(members, actor)
        if own:
            found.append(_found(self_change, participants=own))
        if others:
            found.append(_found(other_change, participants=others))
    return found


def _split(members: Iterable[Any], actor: Jid | None) -> tuple[list[Jid], list[Jid]]:
    """(the actor, when among them; everyone else)."""
    jids = [jid for jid in (jid_of(member) for member in members) if jid is not None]
    own = [jid for jid in jids if actor is None or jid == actor]
    return own, [jid for jid in jids if jid not in own]


def _changed(origin: Origin, chat: Jid, actor: Jid | None, at_ms: int, found: Found) -> GroupChanged:
    change, fields = found
    digest = hashlib.sha256(repr(sorted(fields.items())).encode()).hexdigest()[:12]
    return GroupChanged(
        event_id=event_id("group_change", chat, at_ms, change, digest),
        session=origin.session,
        occurred_at_ms=origin.now_ms,
        source="live",
        chat_jid=chat,
        change=change,
        actor_jid=actor,
        changed_at_ms=at_ms,
        **fields,
    )
