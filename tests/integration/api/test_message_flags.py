"""Message flags and states as the API shows them, seeded through the real ingest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests import factories as f
from tests.integration.api.transport import ApiClient

FLAGS = {
    "forwarded": True,
    "forwarding_score": 7,
    "ephemeral": True,
    "ephemeral_timer_s": 86_400,
    "mentions_everyone": True,
    "from_business": True,
}


def test_message_shows_its_flags_and_states_when_listed(
    client: ApiClient, ingest: Callable[[list[dict[str, Any]]], None]
) -> None:
    ingest(
        [
            f.message(f.PN, "F1", f.PN, f.T0, "flyer", flags=FLAGS),
            f.message(f.PN, "F2", f.ME, f.T0 + 10, "plain"),
            f.message_state(f.PN, "F1", "pinned", True, f.T0 + 20, actor=f.PN),
            f.message_state(f.PN, "F1", "starred", True, f.T0 + 30),
            f.message_state(f.PN, "F2", "kept", True, f.T0 + 40, actor=f.ME),
            f.message_state(f.PN, "F2", "pinned", True, f.T0 + 50, actor=f.ME),
            f.message_state(f.PN, "F2", "pinned", False, f.T0 + 60, actor=f.ME),
        ]
    )
    items = {m["id"]: m for m in client.get(f"/api/chats/{f.PN}/messages").json()["items"]}
    assert items["F1"]["flags"] == {
        "forwarded": True,
        "forwarding_score": 7,
        "forwarded_many_times": True,
        "view_once": False,
        "ephemeral": True,
        "ephemeral_timer_s": 86_400,
        "mentions_everyone": True,
        "from_bot": False,
        "from_business": True,
        "pinned_at": f.T0 + 20,
        "kept": False,
        "starred": True,
    }
    plain = items["F2"]["flags"]
    assert (plain["forwarded"], plain["pinned_at"], plain["kept"], plain["starred"]) == (
        False,
        None,
        True,
        False,
    )
