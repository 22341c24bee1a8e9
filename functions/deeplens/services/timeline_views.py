"""The timeline's system entries as the API shows them: a group change's structured fields (the UI
words them; names are data, never markup) and a call entry's outcome from the folded call."""

from __future__ import annotations

from typing import Any

from deeplens.adapters.postgres import Row
from deeplens.domain.calls import call_duration_s, call_outcome
from deeplens.domain.timeline import CALL_TYPE, SYSTEM_TYPE

View = dict[str, Any]


def timeline_fields(row: Row) -> View:
    """`system` and `call` of one message row (null for an ordinary message)."""
    kind = row["message_type"]
    return {
        "system": _system(row) if kind == SYSTEM_TYPE else None,
        "call": _call(row["call_row"]) if kind == CALL_TYPE and row.get("call_row") else None,
    }


def _system(row: Row) -> View | None:
    fields = (row["content"] or {}).get("system")
    if not isinstance(fields, dict):
        return None
    return {
        "change": fields.get("change"),
        "actor_jid": row["sender_jid"],
        "actor_name": row["sender_name"],
        "participants": row.get("system_members") or [],
        "value": fields.get("value"),
        "on": fields.get("on"),
        "timer_s": fields.get("timer_s"),
    }


def _call(call: dict[str, Any]) -> View:
    accepted, ended = call["accepted_at"], call["ended_at"]
    return {
        "call_id": call["call_id"],
        "video": call["is_video"],
        "group": call["is_group"],
        "outcome": call_outcome(call["result"], accepted, ended, call["from_me"]),
        "duration_s": call_duration_s(call["duration_s"], accepted, ended),
    }
