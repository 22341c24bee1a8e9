"""Pure rules of the timeline's system entries and of chat state (no database)."""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

from deeplens.domain.archive_plan import ArchiveContext, TrackingPolicy, plan_archive
from deeplens.domain.envelope import parse_event
from deeplens.domain.export.records import message_from_row
from deeplens.domain.timeline import entry_sentence

from tests import factories as f

CONTEXT = ArchiveContext(aliases={}, tracked={}, policy=TrackingPolicy(track_groups=True))


def chat_state(at: int, **state: Any) -> dict[str, Any]:
    event = f.base("chat_state", at)
    event.update(chat_jid=f.PN, chat_kind="direct", changed_at_ms=at)
    for name in ("archived", "pinned", "muted", "muted_until_ms", "marked_unread", "unread_count"):
        event[name] = state.get(name)
    return event


def group_change(change: str, at: int, **fields: Any) -> dict[str, Any]:
    event = f.base("group_change", at)
    event.update(chat_jid=f.GROUP, change=change, actor_jid=f.BOB_PN, changed_at_ms=at)
    event.update(participants=[], value=None, on=None, timer_s=None)
    event.update(fields)
    return event


def test_newest_chat_state_wins_in_the_plan_whatever_the_order() -> None:
    events = [
        chat_state(10, archived=True, unread_count=3),
        chat_state(30, archived=False, muted=True),
        chat_state(20, archived=True, pinned=True, muted=False),
    ]
    results = set()
    for order in itertools.permutations(events):
        plan = plan_archive([parse_event(e) for e in order], CONTEXT)
        results.add(tuple((r.state, r.is_on, r.value, r.changed_at) for r in plan.chat_states))
    assert results == {
        (
            ("archived", False, None, 30),
            ("muted", True, None, 30),
            ("pinned", True, None, 20),
            ("unread", True, 3, 10),
        )
    }


def test_group_change_entry_keeps_its_id_when_it_comes_again() -> None:
    event = group_change("added", 50, participants=[f.LID])
    first = plan_archive([parse_event(event)], CONTEXT).messages
    again = plan_archive(
        [parse_event({**event, "event_id": "other", "occurred_at_ms": 99})], CONTEXT
    ).messages
    known = ArchiveContext(aliases={f.LID: f.PN}, tracked={}, policy=CONTEXT.policy)
    resolved = plan_archive([parse_event(event)], known).messages
    assert [m.id for m in first] == [m.id for m in again] == [m.id for m in resolved]
    assert first[0].id.startswith("sys-") and first[0].message_type == "system"


def test_call_entry_comes_from_the_steps_that_know_its_start() -> None:
    def call(step: str) -> Any:
        event = f.base("call", 70)
        event.update(call_id="C1", chat_jid=f.PN, caller_jid=f.PN, from_me=False, step=step, at_ms=70)
        return parse_event(event)

    entries = {
        step: [m.id for m in plan_archive([call(step)], CONTEXT).messages]
        for step in ("offer", "log", "accept", "terminate")
    }
    assert entries == {"offer": ["call-C1"], "log": ["call-C1"], "accept": [], "terminate": []}


def test_exports_word_timeline_entries_as_plain_sentences() -> None:
    content = {"system": {"change": "added", "participants": [f.PN, f.LID], "value": None}}
    assert entry_sentence(content, "Bob") == "Bob added +4915112345678, 123456789012345"
    assert (
        entry_sentence({"system": {"change": "subject", "value": "<b>x</b>"}}, "Bob")
        == "Bob changed the subject to “<b>x</b>”"
    )
    assert entry_sentence({"call": {"call_id": "C1"}}, "Bob") == "📞 Call"
    assert entry_sentence(None, "Bob") is None
    left = {"system": {"change": "left", "participants": [f.BOB_PN]}}
    row: defaultdict[str, Any] = defaultdict(lambda: None)  # the export query's other columns: null
    row.update(
        id="sys-1", timestamp=1, sender_jid=f.BOB_PN, from_me=False, message_type="system", content=left
    )
    assert message_from_row(row).text == "+4915187654321 left"
