"""A GroupInfoEvent's changes as `group_change` events: the group's timeline entries ("Anna changed
the subject to ...", "Bob added Carla"). translate_group_info (chats.py) adds them to the `chat`
events that keep the group's current state.

Who did it is the event's Sender; a member in Join that is the Sender joined (by link, or asked),
one that is not was added by the Sender; the same for Leave (left / removed).

The history sync carries the same changes as stub messages (WebMessageInfo.messageStubType, with
messageStubParameters): `stub_group_change` reads the group ones (subject, description, announce,
restrict, invite link, participants added/removed/left/joined/promoted/demoted, disappearing
timer, deleted), with the stub's author (its participant) as the actor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from deeplens.domain.envelope import GroupChange, GroupChanged
from deeplens.domain.envelope_parts import Source
from deeplens.domain.ids import Jid, has_group_server
from neonize.proto.waWeb.WAWebProtobufsWeb_pb2 import WebMessageInfo as W

from deeplens_connector.translate.common import Origin, event_id
from deeplens_connector.translate.jids import canonical_jid, jid_of


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


def _changed(
    origin: Origin, chat: Jid, actor: Jid | None, at_ms: int, found: Found, *, source: Source = "live"
) -> GroupChanged:
    change, fields = found
    digest = hashlib.sha256(repr(sorted(fields.items())).encode()).hexdigest()[:12]
    return GroupChanged(
        event_id=event_id("group_change", chat, at_ms, change, digest),
        session=origin.session,
        occurred_at_ms=origin.now_ms,
        source=source,
        chat_jid=chat,
        change=change,
        actor_jid=actor,
        changed_at_ms=at_ms,
        **fields,
    )


def _first(params: list[str]) -> str | None:
    return params[0] if params else None


def _switch(params: list[str]) -> bool:
    return _first(params) == "on"


def _timer(params: list[str]) -> Found:
    seconds = int(params[0]) if params and params[0].isdigit() else 0
    return _found("ephemeral", on=seconds > 0, timer_s=seconds or None)


_MEMBER_STUBS: dict[int, tuple[GroupChange, GroupChange]] = {  # (the author's own, someone else's)
    W.GROUP_PARTICIPANT_ADD: ("joined", "added"),
    W.GROUP_PARTICIPANT_INVITE: ("joined", "joined"),
    W.GROUP_PARTICIPANT_REMOVE: ("left", "removed"),
    W.GROUP_PARTICIPANT_LEAVE: ("left", "left"),
    W.GROUP_PARTICIPANT_PROMOTE: ("promoted", "promoted"),
    W.GROUP_PARTICIPANT_DEMOTE: ("demoted", "demoted"),
}
_SETTING_STUBS: dict[int, Any] = {
    W.GROUP_CHANGE_SUBJECT: lambda p: _found("subject", value=_first(p)),
    W.GROUP_CHANGE_DESCRIPTION: lambda p: _found("description", value=_first(p)),
    W.GROUP_CHANGE_ANNOUNCE: lambda p: _found("announce", on=_switch(p)),
    W.GROUP_CHANGE_RESTRICT: lambda p: _found("locked", on=_switch(p)),
    W.GROUP_CHANGE_INVITE_LINK: lambda _p: _found("invite_link"),
    W.CHANGE_EPHEMERAL_SETTING: _timer,
    W.GROUP_DELETE: lambda _p: _found("deleted"),
}


def is_group_stub(web: Any) -> bool:
    return web.messageStubType in _MEMBER_STUBS or web.messageStubType in _SETTING_STUBS


def stub_group_change(
    origin: Origin, chat: Jid, actor: Jid | None, at_ms: int, web: Any
) -> GroupChanged | None:
    """A history stub message of a group change as a `group_change` (None: not one, or not a group)."""
    if not has_group_server(chat):
        return None
    params = list(web.messageStubParameters)
    found = _stub_found(web.messageStubType, params, actor)
    return None if found is None else _changed(origin, chat, actor, at_ms, found, source="history")


def _stub_found(stub: int, params: list[str], actor: Jid | None) -> Found | None:
    if stub in _SETTING_STUBS:
        found: Found = _SETTING_STUBS[stub](params)
        return found
    if stub not in _MEMBER_STUBS:
        return None
    members = [canonical_jid(param) for param in params] or ([actor] if actor else [])
    own, other = _MEMBER_STUBS[stub]
    return _found(own if actor is not None and members == [actor] else other, participants=members)
