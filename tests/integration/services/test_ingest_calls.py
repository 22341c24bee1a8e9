"""A call's steps and its call-log entry fold into one call row in any order."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.services.ingest import IngestDeps, ingest_record

from tests import factories as f
from tests.integration.services.test_ingest_archive import inline_record, rows


def _call(step: str, at: int, **fields: Any) -> dict[str, Any]:
    event = f.base("call", at, event_id=f"call-C1-{step}-{at}", source=fields.pop("source", "live"))
    event.update(call_id="C1", chat_jid=f.PN, caller_jid=f.PN, from_me=False, step=step, at_ms=at)
    event.update(fields)
    return event


def test_call_steps_and_log_entry_fold_into_one_call_when_they_arrive_in_any_order(
    fresh_databases: Callable[[], str], make_deps: Callable[..., IngestDeps]
) -> None:
    steps = [
        _call("offer", f.T0, video=True),
        _call("accept", f.T0 + 4_000),
        _call("terminate", f.T0 + 64_000, reason="hangup"),
        _call("log", f.T0, source="history", video=True, result="connected", duration_s=60),
    ]
    for order in itertools.permutations(steps):
        url = fresh_databases()
        deps = make_deps(url, TrackingPolicy())
        for index, event in enumerate(order):
            ingest_record(inline_record([event], f"call-{index}"), deps)
        deps.pool.close()
        assert rows(
            url,
            "SELECT chat_jid, is_video, started_at, accepted_at, ended_at, end_reason, result, duration_s"
            " FROM calls",
        ) == [(f.PN, True, f.T0, f.T0 + 4_000, f.T0 + 64_000, "hangup", "connected", 60)]


def test_call_of_an_untracked_group_lists_the_chat_but_keeps_no_call(
    database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    deps = make_deps(database_url, TrackingPolicy(track_groups=False))
    group_call = _call("offer", f.T0, chat_jid=f.GROUP, group=True)
    ingest_record(inline_record([group_call], "group-call"), deps)
    assert rows(database_url, "SELECT jid FROM chats") == [(f.GROUP,)]
    assert rows(database_url, "SELECT count(*) FROM calls") == [(0,)]
