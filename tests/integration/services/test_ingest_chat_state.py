"""Chat state (archived, pinned, muted, unread) and the timeline's system entries (group changes,
calls): kept by ingest in any arrival order, idempotently, an older replay never winning."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from deeplens.adapters import export_queries
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.export.records import message_from_row
from deeplens.services.ingest import IngestDeps, ingest_record

from tests import factories as f
from tests.integration.services.test_ingest_archive import inline_record, rows


def chat_state(chat: str, at: int, source: str = "live", **state: Any) -> dict[str, Any]:
    event = f.base("chat_state", at, source=source)
    kind = "group" if chat.endswith("@g.us") else "direct"
    event.update(chat_jid=chat, chat_kind=kind, changed_at_ms=at)
    for name in ("archived", "pinned", "muted", "muted_until_ms", "marked_unread", "unread_count"):
        event[name] = state.get(name)
    return event


def group_change(change: str, at: int, **fields: Any) -> dict[str, Any]:
    event = f.base("group_change", at, event_id=f"gc-{change}-{at}")
    event.update(chat_jid=f.GROUP, change=change, actor_jid=f.BOB_PN, changed_at_ms=at)
    event.update(participants=[], value=None, on=None, timer_s=None)
    event.update(fields)
    return event


def _apply_in_every_order(
    events: list[dict[str, Any]],
    fresh_databases: Callable[[], str],
    make_deps: Callable[..., IngestDeps],
    query: str,
) -> list[Any]:
    """What `query` returns after the events were ingested one record each, in every order, twice."""
    results = []
    for order in itertools.permutations(events):
        url = fresh_databases()
        deps = make_deps(url, TrackingPolicy(track_groups=True))
        for index, event in enumerate([*order, *order]):  # the second pass: a replay of the same
            ingest_record(inline_record([event], f"record-{index}"), deps)
        deps.pool.close()
        results.append(rows(url, query))
    return results


STATES = "SELECT chat_jid, state, is_on, value, changed_at FROM chat_states ORDER BY chat_jid, state"


def test_newest_chat_state_wins_when_history_and_store_reads_arrive_in_any_order(
    fresh_databases: Callable[[], str], make_deps: Callable[..., IngestDeps]
) -> None:
    history = chat_state(
        f.PN, f.T0, "history", archived=True, pinned=True, muted=True, muted_until_ms=f.T0 + 9, unread_count=4
    )
    unarchived = chat_state(f.PN, f.T0 + 60_000, archived=False, pinned=True, muted=False)
    archived_again = chat_state(f.PN, f.T0 + 120_000, archived=True, pinned=False, muted=True)
    results = _apply_in_every_order([history, unarchived, archived_again], fresh_databases, make_deps, STATES)
    assert results[0] == [
        (f.PN, "archived", True, None, f.T0 + 120_000),
        (f.PN, "muted", True, None, f.T0 + 120_000),  # muted for ever
        (f.PN, "pinned", False, None, f.T0 + 120_000),
        (f.PN, "unread", True, 4, f.T0),  # only the history said it: kept
    ]
    assert all(result == results[0] for result in results)


def test_chat_state_of_an_untracked_chat_lists_it_when_nothing_else_did(
    database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    deps = make_deps(database_url, TrackingPolicy(track_groups=False))
    ingest_record(inline_record([chat_state(f.GROUP, f.T0, archived=True)], "state"), deps)
    assert rows(database_url, "SELECT jid, kind FROM chats") == [(f.GROUP, "group")]
    assert rows(database_url, "SELECT is_tracked FROM tracking_config") == [(False,)]
    assert rows(database_url, "SELECT state, is_on FROM chat_states") == [("archived", True)]


TIMELINE = (
    'SELECT id, message_type, sender_jid, "timestamp", content FROM messages'
    " WHERE message_type IN ('system', 'call') ORDER BY \"timestamp\", id"
)


def test_group_changes_become_one_system_entry_each_when_they_arrive_in_any_order(
    fresh_databases: Callable[[], str], make_deps: Callable[..., IngestDeps]
) -> None:
    events = [
        group_change("subject", f.T0 + 10, value="Grillabend"),
        group_change("added", f.T0 + 20, participants=[f.LID]),
        f.lid_mapping(f.LID, f.PN, f.T0),
    ]
    results = _apply_in_every_order(events, fresh_databases, make_deps, TIMELINE)
    assert all(result == results[0] for result in results)
    [subject, added] = results[0]
    assert subject[1:4] == ("system", f.BOB_PN, f.T0 + 10)
    assert subject[4]["system"]["change"] == "subject"
    assert subject[4]["system"]["value"] == "Grillabend"
    assert added[4]["system"]["participants"] == [f.LID]  # as WhatsApp said (the API names it)
    assert subject[0].startswith("sys-") and added[0].startswith("sys-")


def test_group_change_of_an_untracked_group_keeps_no_entry(
    database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    deps = make_deps(database_url, TrackingPolicy(track_groups=False))
    ingest_record(inline_record([group_change("subject", f.T0, value="x")], "gc"), deps)
    assert rows(database_url, "SELECT count(*) FROM messages") == [(0,)]


def _call(step: str, at: int, **fields: Any) -> dict[str, Any]:
    event = f.base("call", at, event_id=f"call-C1-{step}-{at}", source=fields.pop("source", "live"))
    event.update(call_id="C1", chat_jid=f.PN, caller_jid=f.PN, from_me=False, step=step, at_ms=at)
    event.update(fields)
    return event


def test_call_is_one_timeline_entry_at_its_start_when_steps_arrive_in_any_order(
    fresh_databases: Callable[[], str], make_deps: Callable[..., IngestDeps]
) -> None:
    steps = [
        _call("offer", f.T0, video=True),
        _call("terminate", f.T0 + 64_000, reason="hangup"),
        _call("log", f.T0, source="history", video=True, result="connected", duration_s=60),
    ]
    results = _apply_in_every_order(steps, fresh_databases, make_deps, TIMELINE)
    assert all(result == results[0] for result in results)
    assert results[0] == [("call-C1", "call", f.PN, f.T0, {"call": {"call_id": "C1"}})]


def test_exports_word_group_changes_and_calls_when_the_chat_is_exported(
    database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    deps = make_deps(database_url, TrackingPolicy(track_groups=True))
    call = _call("offer", f.T0 + 30, chat_jid=f.GROUP, group=True)
    events = [
        group_change("added", f.T0 + 20, participants=[f.PN]),
        call,
        f.contact(f.BOB_PN, f.T0, push_name="Bob"),
    ]
    ingest_record(inline_record(events, "export"), deps)
    deps.pool.close()
    with export_queries.export_connection(database_url) as conn:
        texts = [
            message_from_row(row).text
            for row in export_queries.messages(conn, f.SESSION, f.GROUP, None, None)
        ]
    assert texts == ["Bob added +4915112345678", "📞 Call"]
