"""Message flags and states (pinned, kept, starred): kept by ingest in any arrival order."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.message_flags import flags_of
from deeplens.services.ingest import IngestDeps, ingest_record

from tests import factories as f
from tests.integration.services.test_ingest_archive import inline_record, rows

FORWARDED = {"forwarded": True, "forwarding_score": 7, "ephemeral": True, "ephemeral_timer_s": 604_800}


def _copies() -> list[dict[str, Any]]:
    """The live copy knows the flags; the history copy of the same message says nothing of them
    (as an envelope written before the flags existed) but that it was view-once."""
    live = f.message(f.PN, "M1", f.PN, f.T0, "flyer", flags=FORWARDED)
    history = f.message(f.PN, "M1", f.PN, f.T0, "flyer", source="history", flags={"view_once": True})
    return [live, history]


def test_no_copy_erases_a_flag_when_copies_arrive_in_either_order(
    fresh_databases: Callable[[], str], make_deps: Callable[..., IngestDeps]
) -> None:
    for order in itertools.permutations(_copies()):
        url = fresh_databases()
        deps = make_deps(url)
        for index, event in enumerate(order):
            ingest_record(inline_record([event], f"copy-{index}"), deps)
        deps.pool.close()
        [(mask, score, timer)] = rows(url, "SELECT flags, forwarding_score, ephemeral_timer_s FROM messages")
        named = flags_of(mask)
        assert (named["forwarded"], named["ephemeral"], named["view_once"]) == (True, True, True)
        assert (score, timer) == (7, 604_800)


def test_newest_state_change_wins_when_pin_unpin_and_star_arrive_in_any_order(
    fresh_databases: Callable[[], str], make_deps: Callable[..., IngestDeps]
) -> None:
    changes = [
        f.message_state(f.GROUP, "G1", "pinned", True, f.T0 + 10, actor=f.BOB_PN),
        f.message_state(f.GROUP, "G1", "pinned", False, f.T0 + 50, actor=f.BOB_PN),
        f.message_state(f.GROUP, "G1", "starred", True, f.T0 + 20),
        f.message(f.GROUP, "G1", f.PN, f.T0, "cake"),
    ]
    for order in itertools.permutations(changes):
        url = fresh_databases()
        deps = make_deps(url, TrackingPolicy(track_groups=True))
        for index, event in enumerate(order):
            ingest_record(inline_record([event], f"state-{index}"), deps)
        deps.pool.close()
        states = rows(url, "SELECT state, is_on, changed_at FROM message_states ORDER BY state")
        assert states == [("pinned", False, f.T0 + 50), ("starred", True, f.T0 + 20)]
