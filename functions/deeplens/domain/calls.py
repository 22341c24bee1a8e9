"""What a folded call row says happened (the API's `outcome`), from whichever steps are known."""

from __future__ import annotations

from typing import Literal

CallOutcome = Literal[
    "connected", "missed", "rejected", "cancelled", "accepted_elsewhere", "unavailable", "failed",
    "abandoned", "ongoing", "upcoming", "invalid", "ringing",
]  # fmt: skip


def call_outcome(result: str | None, accepted_at: int | None, ended_at: int | None, from_me: bool) -> str:
    """The call log's result when known; else accepted = connected; else ended unanswered =
    missed (someone called us) or cancelled (we called); else still ringing."""
    if result is not None:
        return result
    if accepted_at is not None:
        return "connected"
    if ended_at is not None:
        return "cancelled" if from_me else "missed"
    return "ringing"


def call_duration_s(duration_s: int | None, accepted_at: int | None, ended_at: int | None) -> int | None:
    """The call log's duration, else from accept to end when both live steps are known."""
    if duration_s is not None:
        return duration_s
    if accepted_at is not None and ended_at is not None and ended_at >= accepted_at:
        return (ended_at - accepted_at) // 1000
    return None
