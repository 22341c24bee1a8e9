"""Calls as `call` events: the live steps neonize dispatches (CallOfferEv, CallOfferNoticeEv for
group calls, CallAcceptEv, CallTerminateEv) and the call-log entries a history sync carries
(`HistorySync.callLogRecords`). neonize 0.5.2 has no reject event: a rejected call is a terminate
that was never accepted (its reason says more), or a log entry whose result says so."""

from __future__ import annotations

from typing import Any

from deeplens.domain.envelope import CallLogged, Event
from deeplens.domain.errors import InvalidJid
from deeplens.domain.ids import Jid, has_group_server
from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as HS

from deeplens_connector.translate.common import Origin, event_id, translating
from deeplens_connector.translate.jids import jid_from_text, jid_of

_STEPS = {
    "CallOffer": "offer",
    "CallOfferNotice": "offer",
    "CallAccept": "accept",
    "CallTerminate": "terminate",
}
_MS_THRESHOLD = 100_000_000_000  # a start time above this is already in milliseconds (year 5138 in s)
_CallLogRecord = type(HS.HistorySync().callLogRecords.add())


def translate_call(ev: Any, *, session: str, own_jid: str | None, now_ms: int) -> list[Event]:
    """One live call step as a `call` event."""
    meta = ev.basicCallMeta
    with translating(f"call {meta.callID} ({ev.DESCRIPTOR.name})"):
        origin = Origin.of(session, now_ms, own_jid)
        creator = jid_of(meta.callCreator)
        from_me = creator is not None and creator == origin.own_jid
        group = _group_of(ev)
        return [
            _call(
                origin,
                "live",
                meta.callID,
                step=_STEPS[ev.DESCRIPTOR.name],
                chat=group or _peer(meta, creator, from_me),
                caller=creator,
                from_me=from_me,
                at=meta.timestamp * 1000,  # BasicCallMeta.timestamp is UNIX seconds
                video=_video(ev),
                group=group is not None,
                reason=(ev.reason or None) if ev.DESCRIPTOR.name == "CallTerminate" else None,
            )
        ]


def _peer(meta: Any, creator: Jid | None, from_me: bool) -> Jid:
    """The other party of a 1:1 call: the creator, unless we called (then who answers, `from`)."""
    sender = jid_of(getattr(meta, "from"))  # `from` is a Python keyword
    peer = sender if from_me or creator is None else creator
    if peer is None:
        raise InvalidJid("call without a caller or a sender")
    return peer


def _group_of(ev: Any) -> Jid | None:
    """The group of a group call: the notice's sender, or the offer node's `group-jid`."""
    sender = jid_of(getattr(ev.basicCallMeta, "from"))
    if sender is not None and has_group_server(sender):
        return sender
    if ev.HasField("data"):
        for attr in ev.data.Attrs:
            if attr.name == "group-jid" and attr.HasField("jid"):
                return jid_of(attr.jid)
    return None


def _video(ev: Any) -> bool | None:
    """An offer says whether it is a video call (a `video` node); a notice in its `media`."""
    name = ev.DESCRIPTOR.name
    if name == "CallOfferNotice":
        return bool(ev.media == "video")
    if name == "CallOffer":
        return any(node.Tag == "video" for node in ev.data.Nodes)
    return None


def call_log_entry(origin: Origin, record: Any) -> CallLogged:
    """One CallLogRecord: a whole call, with its result and duration."""
    group = jid_from_text(record.groupJID)
    creator = jid_from_text(record.callCreatorJID)
    from_me = not record.isIncoming
    chat = group or (_first_participant(record) if from_me else creator)
    if chat is None:
        raise InvalidJid(f"call {record.callID}: no group, caller or participant")
    start = record.startTime
    return _call(
        origin,
        "history",
        record.callID,
        step="log",
        chat=chat,
        caller=creator or (origin.own_jid if from_me else None),
        from_me=from_me,
        at=start if start >= _MS_THRESHOLD else start * 1000,
        video=record.isVideo,
        group=group is not None,
        result=_CallLogRecord.CallResult.Name(record.callResult).lower(),
        duration_s=record.duration if record.HasField("duration") else None,
    )


def _first_participant(record: Any) -> Jid | None:
    for participant in record.participants:
        jid = jid_from_text(participant.userJID)
        if jid is not None:
            return jid
    return None


def _call(origin: Origin, source: str, call_id: str, **fields: Any) -> CallLogged:
    at = fields.pop("at")
    return CallLogged.model_validate(
        {
            "event_id": event_id("call", call_id, fields["step"], at),
            "session": origin.session,
            "occurred_at_ms": origin.now_ms,
            "source": source,
            "call_id": call_id,
            "chat_jid": fields.pop("chat"),
            "caller_jid": fields.pop("caller"),
            "at_ms": at,
            **fields,
        }
    )
