"""Held batches (`untracked/{session}/{user~server}/...`): ingest never applies one while its chat
is untracked (nor records it, so it can be replayed later), and once the chat is tracked applies
only that chat's content."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.batch import BatchPointer, encode_pointer, untracked_key
from deeplens.services.ingest import IngestDeps, ingest_record

from tests import factories as f
from tests.integration.services.test_ingest_archive import inline_record

OTHER_GROUP = "120363099999999999@g.us"


def held_record(chat: str, events: list[dict[str, Any]], batch_id: str) -> str:
    key = untracked_key(f.SESSION, chat, batch_id, f.T0)
    pointer = BatchPointer(
        batch_id=batch_id,
        session=f.SESSION,
        bucket="deeplens-events",
        key=key,
        count=len(events),
        events=events,
    )
    return encode_pointer(pointer)


def messages(url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return [tuple(r) for r in conn.execute("SELECT chat_jid, id FROM messages ORDER BY id").fetchall()]


def track(url: str, chat: str) -> None:
    with psycopg.connect(url) as conn:
        conn.execute("UPDATE tracking_config SET is_tracked = true WHERE jid = %s", (chat,))


def test_held_batch_is_applied_only_once_its_chat_is_tracked(
    fresh_databases: Callable[[], str], make_deps: Callable[..., IngestDeps]
) -> None:
    url = fresh_databases()
    deps = make_deps(url, TrackingPolicy(track_groups=False))
    ingest_record(inline_record([f.chat(f.GROUP, "group", "Family", f.T0, is_tracked=False)], "d1"), deps)
    held = [
        f.message(f.GROUP, "M1", f.BOB_PN, f.T0, "one"),
        f.message(f.GROUP, "M2", f.BOB_PN, f.T0 + 1, "two"),
    ]
    record = held_record(f.GROUP, held, "h1")
    assert ingest_record(record, deps).applied is False
    assert messages(url) == []
    track(url, f.GROUP)
    assert ingest_record(record, deps).applied is True  # not recorded the first time: replayable
    assert messages(url) == [(f.GROUP, "M1"), (f.GROUP, "M2")]


def test_held_batch_without_a_tracking_row_is_not_applied_whatever_the_default(
    fresh_databases: Callable[[], str], make_deps: Callable[..., IngestDeps]
) -> None:
    url = fresh_databases()
    deps = make_deps(url, TrackingPolicy(track_groups=True))
    record = held_record(f.GROUP, [f.message(f.GROUP, "M1", f.BOB_PN, f.T0, "one")], "h1")
    assert ingest_record(record, deps).applied is False
    assert messages(url) == []


def test_held_batch_applies_only_its_own_chat_and_never_a_tracking_decision(
    fresh_databases: Callable[[], str], make_deps: Callable[..., IngestDeps]
) -> None:
    url = fresh_databases()
    deps = make_deps(url, TrackingPolicy(track_groups=False))
    discovered = [f.chat(chat, "group", None, f.T0, is_tracked=False) for chat in (f.GROUP, OTHER_GROUP)]
    ingest_record(inline_record(discovered, "d1"), deps)
    track(url, f.GROUP)
    smuggled = [
        f.message(f.GROUP, "M1", f.BOB_PN, f.T0, "one"),
        f.message(OTHER_GROUP, "X1", f.BOB_PN, f.T0, "not this chat's"),
        f.chat(OTHER_GROUP, "group", None, f.T0 + 5, is_tracked=True, event_id="chat:x:tracked"),
    ]
    assert ingest_record(held_record(f.GROUP, smuggled, "h1"), deps).applied is True
    assert messages(url) == [(f.GROUP, "M1")]
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT is_tracked FROM tracking_config WHERE jid = %s", (OTHER_GROUP,)).fetchone()
    assert row == (False,)
