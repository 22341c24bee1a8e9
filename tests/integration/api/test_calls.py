"""The call log through the API: live steps and history entries folded per call, newest first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests import factories as f
from tests.integration.api.transport import ApiClient


def _call(call_id: str, chat: str, step: str, at: int, **fields: Any) -> dict[str, Any]:
    event = f.base("call", at, event_id=f"call-{call_id}-{step}-{at}", source=fields.pop("source", "live"))
    event.update(call_id=call_id, chat_jid=chat, caller_jid=chat, from_me=False, step=step, at_ms=at)
    event.update(fields)
    return event


CALLS = [
    _call("C1", f.PN, "offer", f.T0, video=True),  # Anna's video call, answered, 60 s
    _call("C1", f.PN, "accept", f.T0 + 4_000),
    _call("C1", f.PN, "terminate", f.T0 + 64_000, reason="hangup"),
    _call("C2", f.PN, "offer", f.T0 + 100_000, video=False),  # unanswered: missed
    _call("C2", f.PN, "terminate", f.T0 + 130_000, reason="timeout"),
    _call(
        "C3",
        f.GROUP,
        "log",
        f.T0 + 200_000,
        source="history",
        group=True,
        caller_jid=f.BOB_PN,
        video=False,
        result="rejected",
        duration_s=0,
    ),
]


def test_calls_are_listed_newest_first_with_their_outcome_when_steps_are_known(
    client: ApiClient, ingest: Callable[[list[dict[str, Any]]], None]
) -> None:
    ingest(CALLS)
    items = client.get("/api/calls").json()["items"]
    summary = [(c["call_id"], c["chat_jid"], c["outcome"], c["video"], c["duration_s"]) for c in items]
    assert summary == [
        ("C3", f.GROUP, "rejected", False, 0),
        ("C2", f.PN, "missed", False, None),
        ("C1", f.PN, "connected", True, 60),
    ]


def test_one_chats_calls_come_in_pages_when_a_chat_and_a_limit_are_given(
    client: ApiClient, ingest: Callable[[list[dict[str, Any]]], None]
) -> None:
    ingest(CALLS)
    first = client.get("/api/calls", params={"chat": f.PN, "limit": 1}).json()
    second = client.get(
        "/api/calls", params={"chat": f.PN, "limit": 1, "cursor": first["next_cursor"]}
    ).json()
    assert [c["call_id"] for c in first["items"] + second["items"]] == ["C2", "C1"]
    assert second["next_cursor"] is None
    bad = client.get("/api/calls", params={"chat": "not a jid"})
    assert (bad.status, bad.json()["error"]["field"]) == (400, "chat")
