"""Group, community and channel events (JoinedGroupEv, GroupInfoEv, NewsletterJoinEv) as `chat` events.

`chat.participants` is the full member list (ingest replaces the members with it), so only a
group snapshot (JoinedGroup, or a GroupInfo the caller fetched) fills it. A GroupInfoEvent only
says who joined or left: see `participants_changed`, the caller then fetches the group and
translates the snapshot with `translate_group_snapshot`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from deeplens.domain.envelope import ChatUpdated, Event, LidMapped
from deeplens.domain.envelope_parts import Participant, Source
from deeplens.domain.ids import ChatKind, Jid, is_lid, is_phone_jid
from neonize.proto import Neonize_pb2 as N

from deeplens_connector.translate.common import Origin, event_id, translating
from deeplens_connector.translate.group_changes import group_changes
from deeplens_connector.translate.jids import jid_of, required_jid


def chat_updated(origin: Origin, source: Source, jid: Jid, kind: ChatKind, **fields: Any) -> ChatUpdated:
    return ChatUpdated(
        event_id=event_id("chat", jid, origin.now_ms),
        session=origin.session,
        occurred_at_ms=origin.now_ms,
        source=source,
        jid=jid,
        chat_kind=kind,
        **fields,
    )


def lid_mapped(origin: Origin, source: Source, lid: Jid, phone_jid: Jid) -> LidMapped:
    return LidMapped(
        event_id=event_id("lid_mapping", lid, origin.now_ms),
        session=origin.session,
        occurred_at_ms=origin.now_ms,
        source=source,
        lid=lid,
        phone_jid=phone_jid,
    )


def lid_pn(first: Jid | None, second: Jid | None) -> tuple[Jid, Jid] | None:
    """(lid, phone JID) when the two JIDs are one LID and one phone number, in any order."""
    if first is None or second is None:
        return None
    if is_lid(first) and is_phone_jid(second):
        return first, second
    if is_phone_jid(first) and is_lid(second):
        return second, first
    return None


def translate_joined_group(ev: Any, *, session: str, now_ms: int) -> list[Event]:
    """JoinedGroupEv: we joined or were added; its GroupInfo is a full snapshot of the group."""
    return translate_group_snapshot(ev.GroupInfo, session=session, now_ms=now_ms)


def translate_group_snapshot(info: Any, *, session: str, now_ms: int) -> list[Event]:
    """A `neonize.GroupInfo` (JoinedGroup, or get_group_info): the group with its members, its
    community (GroupLinkedParent) or itself as a community (GroupParent.IsParent), LID pairs."""
    with translating(f"group {info.JID.User}@{info.JID.Server}"):
        origin = Origin.of(session, now_ms)
        jid = required_jid(info.JID, "group")
        parent = jid_of(info.GroupLinkedParent.LinkedParentJID)
        events: list[Event] = [
            chat_updated(
                origin,
                "live",
                jid,
                "community" if info.GroupParent.IsParent else "group",
                name=info.GroupName.Name or None,
                parent_jid=parent,
                participants=_participants(info.Participants) or None,  # none listed: unknown
            )
        ]
        if parent is not None:
            events.append(chat_updated(origin, "live", parent, "community"))
        events.extend(_member_pairs(origin, info.Participants))
        return events


def _participants(members: Iterable[Any]) -> list[Participant]:
    return [
        Participant(
            jid=jid_of(member.JID) or jid_of(member.LID) or required_jid(member.PhoneNumber, "participant"),
            is_admin=member.IsAdmin,
            is_super_admin=member.IsSuperAdmin,
        )
        for member in members
    ]


def _member_pairs(origin: Origin, members: Iterable[Any]) -> list[Event]:
    events: list[Event] = []
    for member in members:
        pair = lid_pn(jid_of(member.LID) or jid_of(member.JID), jid_of(member.PhoneNumber))
        if pair is not None:
            events.append(lid_mapped(origin, "live", *pair))
    return events


def participants_changed(ev: Any) -> bool:
    """A GroupInfoEvent with joins, leaves, promotions or demotions: fetch and translate the snapshot."""
    return bool(ev.Join or ev.Leave or ev.Promote or ev.Demote)


def translate_group_info(ev: Any, *, session: str, now_ms: int, is_community: bool = False) -> list[Event]:
    """A GroupInfoEvent: a rename and community links become `chat` events; member changes do not
    (see participants_changed). `is_community`: the caller knows the group is a community. Every
    change is also a `group_change` event: the group's timeline entry (group_changes.py)."""
    with translating(f"group info {ev.JID.User}@{ev.JID.Server}"):
        origin = Origin.of(session, now_ms)
        jid = required_jid(ev.JID, "group")
        changes: list[Event] = list(group_changes(origin, jid, ev))
        link = ev.Link if ev.HasField("Link") else None
        if not ev.HasField("Name") and link is None:
            return changes
        name = (ev.Name.Name or None) if ev.HasField("Name") else None
        group = _changed_group(origin, jid, name, link, is_community)
        return [group, *_linked_group(origin, jid, link), *changes]


def _changed_group(
    origin: Origin, jid: Jid, name: str | None, link: Any | None, is_community: bool
) -> ChatUpdated:
    """The group itself: a community when it got a sub-group, a group of a community when linked to one."""
    sub_linked = link is not None and link.Type == N.GroupLinkChange.SUB
    kind: ChatKind = "community" if is_community or sub_linked else "group"
    parent = None
    if link is not None and link.Type == N.GroupLinkChange.PARENT:
        parent = required_jid(link.Group.JID, "link")
    return chat_updated(origin, "live", jid, kind, name=name, parent_jid=parent)


def _linked_group(origin: Origin, jid: Jid, link: Any | None) -> list[Event]:
    """The other side of a community link: the linked sub-group, or the community."""
    if link is None or link.Type not in (N.GroupLinkChange.SUB, N.GroupLinkChange.PARENT):
        return []
    other = required_jid(link.Group.JID, "link")
    name = link.Group.GroupName.Name or None
    if link.Type == N.GroupLinkChange.SUB:
        return [chat_updated(origin, "live", other, "group", name=name, parent_jid=jid)]
    return [chat_updated(origin, "live", other, "community", name=name)]


def translate_newsletter_join(ev: Any, *, session: str, now_ms: int) -> list[Event]:
    """NewsletterJoinEv: a channel we follow."""
    return translate_newsletter_snapshot(ev.NewsletterMetadata, session=session, now_ms=now_ms)


def translate_newsletter_snapshot(meta: Any, *, session: str, now_ms: int) -> list[Event]:
    """A `neonize.NewsletterMetadata` (NewsletterJoinEv, or the chat sweep): the channel."""
    with translating(f"newsletter {meta.ID.User}@{meta.ID.Server}"):
        origin = Origin.of(session, now_ms)
        jid = required_jid(meta.ID, "newsletter")
        return [chat_updated(origin, "live", jid, "newsletter", name=meta.ThreadMeta.Name.Text or None)]
