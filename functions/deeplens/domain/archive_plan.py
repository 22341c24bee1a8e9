"""Pure archive rules: turn one batch of envelopes into deduplicated, canonical rows.

The rules make ingest idempotent and order-insensitive together with the repository's upserts:
- JIDs are canonical; a LID with a known phone number becomes that phone JID (one person, one chat);
- a later copy of a message never erases a field an earlier copy had (merge_messages);
- edits, revokes, reactions, receipts and votes are kept by their own keys, so they may arrive
  before their message; the repository derives the message's text/status/deleted flag from them;
- untracked chats stay listed, but none of their content is kept.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from deeplens.domain.archive_rows import (
    MEDIA_STATUS_RANK,
    SOURCE_RANK,
    ArchivePlan,
    CallRow,
    ChatRow,
    ConnectionRow,
    ContactRow,
    MarkRow,
    MediaRow,
    MessageRow,
    MessageStateRow,
    ParticipantRow,
    PictureRow,
    PollVoteRow,
    ReactionRow,
    TrackingRow,
    VersionRow,
)
from deeplens.domain.chat_state import chat_state_rows, state_order
from deeplens.domain.envelope import (
    CallLogged,
    ChatStateChanged,
    ChatUpdated,
    ConnectionChanged,
    ContactUpdated,
    Event,
    GroupChanged,
    LidMapped,
    MessageEdited,
    MessageRevoked,
    MessageSeen,
    MessageStateChanged,
    PictureChanged,
    PollVoteCast,
    ReactionChanged,
    ReceiptReported,
)
from deeplens.domain.envelope_parts import Media, MessageKey
from deeplens.domain.ids import has_group_server, is_lid, is_phone_jid, tracking_type_of
from deeplens.domain.message_flags import flags_mask
from deeplens.domain.pictures import picture_order
from deeplens.domain.timeline import call_entry_row, group_change_row

RowT = TypeVar("RowT")


@dataclass(frozen=True)
class TrackingPolicy:
    """DEFAULT_TRACK_GROUPS / DEFAULT_TRACK_PRIVATE: what a newly seen chat gets."""

    track_groups: bool = False
    track_private: bool = True

    def default_for(self, kind: str) -> bool:
        # Direct chats and one's own broadcast lists are private; everything joined (groups,
        # communities, channels) follows the safer group default. Status (other people's stories)
        # is opt-in whatever the defaults say: nobody archives them without asking for it.
        if kind == "status":
            return False
        return self.track_private if kind in ("direct", "broadcast") else self.track_groups


@dataclass(frozen=True)
class ArchiveContext:
    """What the database already knows about the JIDs of a batch."""

    aliases: Mapping[str, str]  # LID -> phone JID
    tracked: Mapping[str, bool]  # canonical chat JID -> is_tracked
    policy: TrackingPolicy


def identity_pairs(events: Iterable[Event]) -> dict[str, str]:
    """LID -> phone JID pairs stated by the batch itself (mappings, contacts, message senders)."""
    pairs: dict[str, str] = {}
    for event in events:
        pair = None
        if isinstance(event, LidMapped):
            pair = (event.lid, event.phone_jid)
        elif isinstance(event, ContactUpdated) and event.lid and event.phone_jid:
            pair = (event.lid, event.phone_jid)
        elif isinstance(event, MessageSeen) and event.sender_alt_jid:
            pair = _lid_pn(event.sender_jid, event.sender_alt_jid)
        if pair:
            pairs[pair[0]] = pair[1]
    return pairs


def _lid_pn(first: str, second: str) -> tuple[str, str] | None:
    if is_lid(first) and is_phone_jid(second):
        return first, second
    if is_phone_jid(first) and is_lid(second):
        return second, first
    return None


class _Planner:
    def __init__(self, context: ArchiveContext, new_aliases: dict[str, str]) -> None:
        self.context = context
        self.aliases = {**context.aliases, **new_aliases}
        self.plan = ArchivePlan(aliases=new_aliases)
        self.decided: dict[str, bool] = {}  # chat -> the connector's tracking decision (chat events)

    def canon(self, jid: str | None) -> str | None:
        return self.aliases.get(jid, jid) if jid else jid

    def jid(self, jid: str) -> str:
        return self.aliases.get(jid, jid)

    def tracked(self, chat_jid: str, kind: str) -> bool:
        """The stored choice, else what the connector decided when it first saw the chat, else
        this worker's default (envelopes written before the connector decided)."""
        stored = self.context.tracked.get(chat_jid)
        return stored if stored is not None else self.first_policy(chat_jid, kind)

    def first_policy(self, chat_jid: str, kind: str) -> bool:
        """What a chat without a tracking row gets."""
        decided = self.decided.get(chat_jid)
        return decided if decided is not None else self.context.policy.default_for(kind)

    def alt_of(self, sender: str | None, alt: str | None) -> tuple[str | None, str | None]:
        """(canonical sender, the other identity): the phone JID leads once it is known."""
        if sender is None:
            return None, None
        canonical = self.jid(sender)
        other = alt if alt and self.jid(alt) == canonical and alt != canonical else None
        if canonical != sender:
            other = sender
        return canonical, other


def plan_archive(events: Sequence[Event], context: ArchiveContext) -> ArchivePlan:
    """Rows for one batch; pure, deterministic and independent of the order of `events`."""
    new_aliases = {lid: pn for lid, pn in identity_pairs(events).items() if context.aliases.get(lid) != pn}
    planner = _Planner(context, new_aliases)
    chat_kinds = _chat_kinds(events, planner)
    planner.decided = _decisions(events, planner)
    for event in events:
        _HANDLERS[event.kind](planner, event, chat_kinds)
    return _deduplicated(planner.plan)


def _chat_kinds(events: Sequence[Event], planner: _Planner) -> dict[str, str]:
    """The kind of every chat in the batch; a `chat` event's explicit kind beats a message's."""
    kinds: dict[str, str] = {}
    for event in events:
        if event.kind == "message":
            kinds.setdefault(planner.jid(event.chat_jid), event.chat_kind)
    for event in events:
        if event.kind == "chat":
            kinds[planner.jid(event.jid)] = event.chat_kind
    return kinds


def _decisions(events: Sequence[Event], planner: _Planner) -> dict[str, bool]:
    """The connector's tracking decision per chat, from `chat` events that carry one (two that
    disagree: tracked wins, so the result does not depend on their order)."""
    decided: dict[str, bool] = {}
    for event in events:
        if event.kind == "chat" and event.is_tracked is not None:
            chat = planner.jid(event.jid)
            decided[chat] = decided.get(chat, False) or event.is_tracked
    return decided


def _on_message(planner: _Planner, event: MessageSeen, kinds: dict[str, str]) -> None:
    chat = planner.jid(event.chat_jid)
    kind = kinds.get(chat, event.chat_kind)
    planner.plan.chats.append(ChatRow(jid=chat, kind=kind, last_msg_timestamp=event.timestamp_ms))
    _track(planner, chat, kind, None)
    if not planner.tracked(chat, kind):
        return
    sender, alt = planner.alt_of(event.sender_jid, event.sender_alt_jid)
    media = event.media
    planner.plan.messages.append(
        MessageRow(
            chat_jid=chat,
            id=event.message_id,
            sender_jid=sender,
            sender_alt_jid=alt,
            remote_jid=chat if kind == "direct" else sender,
            from_me=event.from_me,
            push_name=event.push_name,
            content=event.raw,
            message_type=event.type,
            text_body=event.text,
            file_id=media.file_id if media else None,
            quoted_id=event.quoted.message_id if event.quoted else None,
            timestamp=event.timestamp_ms,
            source=event.source,
            flags=flags_mask(event.flags),
            forwarding_score=event.flags.forwarding_score,
            ephemeral_timer_s=event.flags.ephemeral_timer_s,
        )
    )
    if media is not None:
        planner.plan.media.append(_media_row(chat, event.message_id, media))


def _media_row(chat: str, message_id: str, media: Media) -> MediaRow:
    thumbnail = base64.b64decode(media.thumbnail_b64) if media.thumbnail_b64 else None
    return MediaRow(
        file_id=media.file_id,
        chat_jid=chat,
        message_id=message_id,
        bucket_key=media.key,
        mime=media.mime,
        size=media.size,
        sha256=media.sha256,
        width=media.width,
        height=media.height,
        duration_s=media.duration_s,
        file_name=media.file_name,
        thumbnail=thumbnail,
        status=media.status,
        error=media.error,
    )


def _track(planner: _Planner, chat: str, kind: str, name: str | None) -> None:
    if chat not in planner.context.tracked:
        is_tracked = planner.first_policy(chat, kind)
        planner.plan.tracking.append(TrackingRow(chat, tracking_type_of(kind), name, is_tracked))


def _target(planner: _Planner, target: MessageKey, kinds: dict[str, str]) -> tuple[str, str] | None:
    """The canonical (chat, message id) of an update's target, or None if the chat is untracked."""
    chat = planner.jid(target.chat_jid)
    kind = kinds.get(chat) or _kind_guess(chat)
    return (chat, target.message_id) if planner.tracked(chat, kind) else None


def _kind_guess(chat: str) -> str:
    return "group" if has_group_server(chat) else "direct"


def _on_edit(planner: _Planner, event: MessageEdited, kinds: dict[str, str]) -> None:
    key = _target(planner, event.target, kinds)
    if key:
        planner.plan.versions.append(VersionRow(*key, event.edited_at_ms, event.new_text, event.new_raw))


def _on_revoke(planner: _Planner, event: MessageRevoked, kinds: dict[str, str]) -> None:
    key = _target(planner, event.target, kinds)
    if key:
        by = planner.canon(event.revoked_by)
        planner.plan.marks.append(MarkRow(*key, revoked_at=event.revoked_at_ms, revoked_by=by))


def _on_reaction(planner: _Planner, event: ReactionChanged, kinds: dict[str, str]) -> None:
    key = _target(planner, event.target, kinds)
    if key:
        reactor = planner.jid(event.reactor_jid)
        planner.plan.reactions.append(ReactionRow(*key, reactor, event.emoji, event.reacted_at_ms))


def _on_receipt(planner: _Planner, event: ReceiptReported, kinds: dict[str, str]) -> None:
    chat = planner.jid(event.chat_jid)
    if planner.tracked(chat, kinds.get(chat) or _kind_guess(chat)):
        for message_id in event.message_ids:
            planner.plan.marks.append(MarkRow(chat, message_id, status=event.status))


def _on_poll_vote(planner: _Planner, event: PollVoteCast, kinds: dict[str, str]) -> None:
    key = _target(planner, event.target, kinds)
    if key:
        voter = planner.jid(event.voter_jid)
        options = list(event.selected_options)
        planner.plan.poll_votes.append(PollVoteRow(*key, voter, options, event.voted_at_ms))


def _on_message_state(planner: _Planner, event: MessageStateChanged, kinds: dict[str, str]) -> None:
    key = _target(planner, event.target, kinds)
    if key:
        actor = planner.canon(event.actor_jid)
        planner.plan.states.append(MessageStateRow(*key, event.state, event.on, event.changed_at_ms, actor))


def _on_call(planner: _Planner, event: CallLogged, kinds: dict[str, str]) -> None:
    """A call step or log entry: the chat is listed (as for a message); the call is kept when tracked."""
    chat = planner.jid(event.chat_jid)
    kind = kinds.get(chat) or _kind_guess(chat)
    planner.plan.chats.append(ChatRow(jid=chat, kind=kind))
    _track(planner, chat, kind, None)
    if planner.tracked(chat, kind):
        caller = planner.canon(event.caller_jid)
        planner.plan.calls.append(_call_row(chat, caller, event))
        entry = call_entry_row(chat, caller, event)  # the call's line in the chat's timeline
        if entry is not None:
            planner.plan.messages.append(entry)


def _call_row(chat: str, caller: str | None, event: CallLogged) -> CallRow:
    step, at = event.step, event.at_ms
    return CallRow(
        call_id=event.call_id,
        chat_jid=chat,
        caller_jid=caller,
        from_me=event.from_me,
        is_video=event.video,
        is_group=event.group,
        started_at=at if step in ("offer", "log") else None,
        accepted_at=at if step == "accept" else None,
        ended_at=at if step == "terminate" else None,
        end_reason=event.reason,
        result=event.result,
        duration_s=event.duration_s,
    )


def _on_chat(planner: _Planner, event: ChatUpdated, kinds: dict[str, str]) -> None:
    chat = planner.jid(event.jid)
    planner.plan.chats.append(
        ChatRow(
            jid=chat,
            kind=event.chat_kind,
            name=event.name,
            parent_jid=planner.canon(event.parent_jid),
            unread_count=event.unread_count,
            is_archived=event.is_archived,
            last_msg_timestamp=event.last_msg_timestamp_ms,
            info_at=max(event.occurred_at_ms, 1),
        )
    )
    _track(planner, chat, event.chat_kind, event.name)
    for member in event.participants or ():
        planner.plan.participants.append(
            ParticipantRow(
                chat, planner.jid(member.jid), member.is_admin, member.is_super_admin, event.occurred_at_ms
            )
        )


def _on_chat_state(planner: _Planner, event: ChatStateChanged, kinds: dict[str, str]) -> None:
    """Archived, pinned, muted, ...: kept for any chat (the chat list shows untracked chats too)."""
    chat = planner.jid(event.chat_jid)
    kind = kinds.get(chat, event.chat_kind)
    planner.plan.chats.append(ChatRow(jid=chat, kind=kind))
    _track(planner, chat, kind, None)
    planner.plan.chat_states.extend(chat_state_rows(chat, event))


def _on_group_change(planner: _Planner, event: GroupChanged, kinds: dict[str, str]) -> None:
    """A group change: a `system` entry in the group's timeline when the group is tracked."""
    chat = planner.jid(event.chat_jid)
    kind = kinds.get(chat) or _kind_guess(chat)
    planner.plan.chats.append(ChatRow(jid=chat, kind=kind))
    _track(planner, chat, kind, None)
    if planner.tracked(chat, kind):
        planner.plan.messages.append(group_change_row(chat, event, planner.canon(event.actor_jid)))


def _on_contact(planner: _Planner, event: ContactUpdated, kinds: dict[str, str]) -> None:
    planner.plan.contacts.append(
        ContactRow(
            jid=planner.jid(event.jid),
            lid=event.lid if event.lid else (event.jid if is_lid(event.jid) else None),
            phone_jid=planner.canon(event.phone_jid) or (event.jid if is_phone_jid(event.jid) else None),
            push_name=event.push_name,
            full_name=event.full_name,
            business_name=event.business_name,
            info_at=event.occurred_at_ms,
        )
    )


def _on_lid_mapping(planner: _Planner, event: LidMapped, kinds: dict[str, str]) -> None:
    """Already collected by identity_pairs."""


def _on_connection(planner: _Planner, event: ConnectionChanged, kinds: dict[str, str]) -> None:
    planner.plan.connections.append(
        ConnectionRow(event.event_id, event.state, event.detail, event.occurred_at_ms)
    )


def _on_picture(planner: _Planner, event: PictureChanged, kinds: dict[str, str]) -> None:
    """A contact's or chat's picture: kept for any JID (a tracked chat's people are named by it)."""
    planner.plan.pictures.append(
        PictureRow(
            planner.jid(event.jid), event.picture_id, event.key, planner.canon(event.author_jid),
            event.changed_at_ms,
        )
    )  # fmt: skip


_HANDLERS: dict[str, Callable[[_Planner, Any, dict[str, str]], None]] = {
    "message": _on_message,
    "edit": _on_edit,
    "revoke": _on_revoke,
    "reaction": _on_reaction,
    "receipt": _on_receipt,
    "poll_vote": _on_poll_vote,
    "message_state": _on_message_state,
    "call": _on_call,
    "chat": _on_chat,
    "chat_state": _on_chat_state,
    "group_change": _on_group_change,
    "contact": _on_contact,
    "lid_mapping": _on_lid_mapping,
    "connection": _on_connection,
    "picture": _on_picture,
}


# --- merging copies that share a natural key -------------------------------------------------


# The columns a lesser copy only fills when the leading one lacks them; the SQL upserts
# (adapters/archive_sql.py) are built from these same tuples, so both merges agree.
MESSAGE_GAPS = (
    "sender_jid", "sender_alt_jid", "remote_jid", "push_name", "content", "text_body", "file_id", "quoted_id",
    "ephemeral_timer_s",
)  # fmt: skip
CHAT_GAPS = ("name", "parent_jid", "unread_count", "is_archived")


def merge_messages(first: MessageRow, second: MessageRow) -> MessageRow:
    """The better source leads (live > history > import); the other only fills its gaps."""
    lead, other = (
        (second, first) if SOURCE_RANK[second.source] > SOURCE_RANK[first.source] else (first, second)
    )
    filled = {name: getattr(other, name) for name in MESSAGE_GAPS if getattr(lead, name) is None}
    if lead.message_type == "unknown":
        filled["message_type"] = other.message_type
    flags = first.flags | second.flags  # a flag one copy had is never erased by the other
    score = max(first.forwarding_score, second.forwarding_score)
    return replace(lead, **filled, flags=flags, forwarding_score=score)


def merge_media(first: MediaRow, second: MediaRow) -> MediaRow:
    lead, other = (
        (second, first)
        if MEDIA_STATUS_RANK[second.status] > MEDIA_STATUS_RANK[first.status]
        else (first, second)
    )
    gaps = {name: getattr(other, name) for name in lead.__dataclass_fields__ if getattr(lead, name) is None}
    gaps.pop("error", None)
    return replace(lead, **gaps)


def merge_chats(first: ChatRow, second: ChatRow) -> ChatRow:
    """The newest chat event leads, an older one fills its gaps (as the SQL upsert does)."""
    lead, other = (second, first) if second.info_at > first.info_at else (first, second)
    gaps = {name: getattr(other, name) for name in CHAT_GAPS if getattr(lead, name) is None}
    stamps = [s for s in (first.last_msg_timestamp, second.last_msg_timestamp) if s is not None]
    return replace(lead, **gaps, last_msg_timestamp=max(stamps) if stamps else None)


def merge_marks(first: MarkRow, second: MarkRow) -> MarkRow:
    revokes = sorted((m.revoked_at, m.revoked_by or "") for m in (first, second) if m.revoked_at is not None)
    revoked_at, revoked_by = revokes[0] if revokes else (None, None)
    return replace(
        first,
        status=max(first.status, second.status),
        revoked_at=revoked_at,
        revoked_by=revoked_by or None,
    )


def merge_calls(first: CallRow, second: CallRow) -> CallRow:
    """Steps of one call folded as the SQL upsert does: earliest start/accept, latest end, the
    larger of two values that disagree, any "yes"."""
    video = [v for v in (first.is_video, second.is_video) if v is not None]
    return replace(
        first,
        chat_jid=_call_chat(first, second),
        caller_jid=_larger(first.caller_jid, second.caller_jid),
        from_me=first.from_me or second.from_me,
        is_video=any(video) if video else None,
        is_group=first.is_group or second.is_group,
        started_at=_smaller(first.started_at, second.started_at),
        accepted_at=_smaller(first.accepted_at, second.accepted_at),
        ended_at=_larger(first.ended_at, second.ended_at),
        end_reason=_larger(first.end_reason, second.end_reason),
        result=_larger(first.result, second.result),
        duration_s=_larger(first.duration_s, second.duration_s),
    )


def _call_chat(first: CallRow, second: CallRow) -> str:
    """A group's call belongs to the group; else the larger JID (any order gives the same)."""
    if first.is_group != second.is_group:
        return first.chat_jid if first.is_group else second.chat_jid
    return max(first.chat_jid, second.chat_jid)


def _smaller(first: Any, second: Any) -> Any:
    return (
        min(first, second)
        if first is not None and second is not None
        else first
        if first is not None
        else second
    )


def _larger(first: Any, second: Any) -> Any:
    return (
        max(first, second)
        if first is not None and second is not None
        else first
        if first is not None
        else second
    )


def _newest(key: Callable[[RowT], Any]) -> Callable[[RowT, RowT], RowT]:
    return lambda first, second: second if key(second) > key(first) else first


def _dedupe(
    rows: list[RowT], key: Callable[[RowT], tuple[Any, ...]], merge: Callable[[RowT, RowT], RowT]
) -> list[RowT]:
    merged: dict[tuple[Any, ...], RowT] = {}
    for row in rows:
        k = key(row)
        merged[k] = merge(merged[k], row) if k in merged else row
    return [merged[k] for k in sorted(merged)]  # sorted: rows are locked in one order everywhere


def _deduplicated(plan: ArchivePlan) -> ArchivePlan:
    plan.chats = _dedupe(plan.chats, lambda r: (r.jid,), merge_chats)
    plan.tracking = _dedupe(plan.tracking, lambda r: (r.jid,), lambda a, b: a if a.name else b)
    plan.messages = _dedupe(plan.messages, lambda r: (r.chat_jid, r.id), merge_messages)
    plan.media = _dedupe(plan.media, lambda r: (r.file_id,), merge_media)
    plan.versions = _dedupe(plan.versions, lambda r: (r.chat_jid, r.message_id, r.edited_at), lambda a, b: a)
    plan.marks = _dedupe(plan.marks, lambda r: (r.chat_jid, r.message_id), merge_marks)
    plan.states = _dedupe(  # the newest change wins; at the same instant "on" wins (as the SQL)
        plan.states, lambda r: (r.chat_jid, r.message_id, r.state), _newest(lambda r: (r.changed_at, r.is_on))
    )
    plan.reactions = _dedupe(
        plan.reactions,
        lambda r: (r.chat_jid, r.message_id, r.reactor_jid),
        _newest(lambda r: (r.reacted_at, r.emoji)),
    )
    plan.poll_votes = _dedupe(
        plan.poll_votes,
        lambda r: (r.chat_jid, r.message_id, r.voter_jid),
        _newest(lambda r: (r.voted_at, r.selected_options)),
    )
    plan.chat_states = _dedupe(plan.chat_states, lambda r: (r.chat_jid, r.state), _newest(state_order))
    plan.calls = _dedupe(plan.calls, lambda r: (r.call_id,), merge_calls)
    plan.contacts = _dedupe(plan.contacts, lambda r: (r.jid,), _newest(lambda r: r.info_at))
    plan.participants = _dedupe(
        plan.participants, lambda r: (r.group_jid, r.participant_jid), _newest(lambda r: r.listed_at)
    )
    plan.connections = _dedupe(plan.connections, lambda r: (r.event_id,), lambda a, b: a)
    plan.pictures = _dedupe(  # the picture seen last wins (as the SQL)
        plan.pictures, lambda r: (r.jid,), _newest(lambda r: picture_order(r.changed_at, r.picture_id))
    )
    return plan
