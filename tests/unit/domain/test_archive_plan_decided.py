"""Ingest applies the connector's tracking decision for a new chat instead of its own default."""

from __future__ import annotations

import itertools
from typing import Any

from deeplens.domain.archive_plan import ArchiveContext, TrackingPolicy, plan_archive
from deeplens.domain.envelope import parse_event

from tests import factories as f

GROUPS_OFF = ArchiveContext(aliases={}, tracked={}, policy=TrackingPolicy(track_groups=False))


def _events(decided: bool | None) -> list[dict[str, Any]]:
    return [
        f.message(f.GROUP, "G1", f.BOB_PN, f.T0, "family news"),
        f.chat(f.GROUP, "group", None, f.T0, event_id=f"chat:{f.GROUP}:discovered", is_tracked=decided),
    ]


def test_group_is_tracked_with_its_messages_when_the_connector_decided_so_in_any_order() -> None:
    for order in itertools.permutations(_events(True)):
        plan = plan_archive([parse_event(event) for event in order], GROUPS_OFF)
        assert [(row.jid, row.is_tracked) for row in plan.tracking] == [(f.GROUP, True)]
        assert [row.id for row in plan.messages] == ["G1"]


def test_worker_default_applies_when_no_event_carries_a_decision() -> None:
    plan = plan_archive([parse_event(event) for event in _events(None)], GROUPS_OFF)
    assert [(row.jid, row.is_tracked) for row in plan.tracking] == [(f.GROUP, False)]
    assert plan.messages == []


def test_stored_choice_wins_over_the_connector_decision_when_the_user_chose() -> None:
    chosen = ArchiveContext(aliases={}, tracked={f.GROUP: False}, policy=TrackingPolicy(track_groups=True))
    plan = plan_archive([parse_event(event) for event in _events(True)], chosen)
    assert (plan.tracking, plan.messages) == ([], [])
