"""Ingest through the service: idempotent, order-insensitive, LID/PN-safe, tracking-aware."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from typing import Any

import psycopg
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.batch import BatchPointer, encode_pointer
from deeplens.services.ingest import IngestDeps, ingest_record

from tests import factories as f
from tests.support import canonical_dump


def inline_record(events: list[dict[str, Any]], batch_id: str) -> str:
    key = f"events/{f.SESSION}/2025/11/24/{batch_id}.jsonl.gz"
    pointer = BatchPointer(
        batch_id=batch_id,
        session=f.SESSION,
        bucket="deeplens-events",
        key=key,
        count=len(events),
        events=events,
    )
    return encode_pointer(pointer)


def deliver(deps: IngestDeps, events: list[dict[str, Any]], rng: random.Random, tag: str) -> None:
    """Random batch boundaries, each batch once, in the given order."""
    start = 0
    while start < len(events):
        size = rng.randint(1, 8)
        ingest_record(inline_record(events[start : start + size], f"{tag}-{start}"), deps)
        start += size


def rows(url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]


def test_same_archive_when_story_arrives_in_any_order_and_twice(
    fresh_databases: Callable[[], str], make_deps: Callable[..., IngestDeps]
) -> None:
    policy = TrackingPolicy(track_groups=True, track_private=True)
    reference_url = fresh_databases()
    deliver(make_deps(reference_url, policy), f.story(), random.Random(0), "ref")
    reference = canonical_dump(reference_url)
    assert len(reference["messages"]) == 12
    for seed in range(1, 9):
        rng = random.Random(seed)
        events = f.story() * 2
        rng.shuffle(events)
        url = fresh_databases()
        deps = make_deps(url, policy)
        deliver(deps, events, rng, f"s{seed}")
        deps.pool.close()
        dump = canonical_dump(url)
        for table, expected in reference.items():
            assert dump[table] == expected, f"seed {seed}: table {table} differs"


def test_lid_and_phone_copies_end_in_one_chat_when_mapping_arrives_last(
    database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    deps = make_deps(database_url)
    ingest_record(inline_record([f.message(f.LID, "3EB0A1", f.LID, f.T0, "hallo")], "b1"), deps)
    ingest_record(inline_record([f.edit(f.LID, "3EB0A1", "hallo!", f.T0 + 5)], "b2"), deps)
    ingest_record(inline_record([f.message(f.PN, "3EB0A2", f.PN, f.T0 + 9, "noch da?")], "b3"), deps)
    ingest_record(inline_record([f.lid_mapping(f.LID, f.PN, f.T0 + 10)], "b4"), deps)
    assert rows(database_url, "SELECT jid FROM chats") == [(f.PN,)]
    assert rows(
        database_url, "SELECT chat_jid, id, sender_jid, sender_alt_jid, text_body FROM messages ORDER BY id"
    ) == [
        (f.PN, "3EB0A1", f.PN, f.LID, "hallo!"),
        (f.PN, "3EB0A2", f.PN, None, "noch da?"),
    ]
    assert rows(database_url, "SELECT jid FROM tracking_config") == [(f.PN,)]


def test_edits_keep_every_version_and_revoke_keeps_content_when_applied(
    database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    deps = make_deps(database_url)
    events = [
        f.edit(f.PN, "M1", "second", f.T0 + 20),  # before its message
        f.message(f.PN, "M1", f.PN, f.T0, "first"),
        f.edit(f.PN, "M1", "third", f.T0 + 30),
        f.revoke(f.PN, "M1", f.PN, f.T0 + 40),
    ]
    for index, event in enumerate(events):
        ingest_record(inline_record([event], f"b{index}"), deps)
    assert rows(database_url, "SELECT text_body, edited_at, deleted_at, deleted_by FROM messages") == [
        ("third", f.T0 + 30, f.T0 + 40, f.PN)
    ]
    assert rows(
        database_url, "SELECT is_original, edited_at, text_body FROM message_versions ORDER BY edited_at"
    ) == [(True, f.T0, "first"), (False, f.T0 + 20, "second"), (False, f.T0 + 30, "third")]


def test_original_version_is_the_best_copy_whatever_the_arrival_order(
    fresh_databases: Callable[[], str], make_deps: Callable[..., IngestDeps]
) -> None:
    """The history copy of an edited message carries the edited text; the live copy the original.
    The original version is the best-ranked copy (live, then history, then import), in any order."""
    events = [
        f.message(f.PN, "E1", f.PN, f.T0, "as first written"),
        f.message(f.PN, "E1", f.PN, f.T0, "as edited", source="history"),
        f.edit(f.PN, "E1", "as edited", f.T0 + 50),
        f.message(f.PN, "E2", f.PN, f.T0 + 1, "imported text", source="import"),
        f.message(f.PN, "E2", f.PN, f.T0 + 1, "history text", source="history"),
        f.edit(f.PN, "E2", "edited twice", f.T0 + 60),
    ]
    query = "SELECT message_id, is_original, edited_at, text_body FROM message_versions ORDER BY 1, 3, 2"
    expected = [
        ("E1", True, f.T0, "as first written"),
        ("E1", False, f.T0 + 50, "as edited"),
        ("E2", True, f.T0 + 1, "history text"),
        ("E2", False, f.T0 + 60, "edited twice"),
    ]
    texts = [("E1", "as edited"), ("E2", "edited twice")]
    for number, order in enumerate(itertools.permutations(range(3))):
        url = fresh_databases()
        deps = make_deps(url)
        for position in order:  # one batch per event: each step is its own transaction
            for offset in (0, 3):
                index = position + offset
                ingest_record(inline_record([events[index]], f"o{number}-{index}"), deps)
        assert rows(url, query) == expected, f"order {order}"
        assert rows(url, "SELECT id, text_body FROM messages ORDER BY id") == texts
        deps.pool.close()


def test_receipts_only_raise_status_and_reaction_removal_sticks_when_out_of_order(
    database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    deps = make_deps(database_url)
    events = [
        f.receipt(f.PN, ["M1"], 2, f.T0 + 5),
        f.reaction(f.PN, "M1", f.PN, "", f.T0 + 9),
        f.message(f.PN, "M1", f.ME, f.T0, "ping"),
        f.receipt(f.PN, ["M1"], 1, f.T0 + 3),
        f.reaction(f.PN, "M1", f.PN, "👍", f.T0 + 7),
    ]
    for index, event in enumerate(events):
        ingest_record(inline_record([event], f"b{index}"), deps)
    assert rows(database_url, "SELECT status FROM messages") == [(2,)]
    assert rows(database_url, "SELECT emoji, reacted_at FROM reactions") == [("", f.T0 + 9)]


def test_untracked_group_is_listed_without_content_when_default_policy_applies(
    database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    deps = make_deps(database_url, TrackingPolicy(track_groups=False, track_private=True))
    events = [
        f.message(f.GROUP, "G1", f.BOB_PN, f.T0, "secret group talk"),
        f.reaction(f.GROUP, "G1", f.ME, "👍", f.T0 + 1),
        f.message(f.PN, "D1", f.PN, f.T0 + 2, "direct"),
    ]
    ingest_record(inline_record(events, "b1"), deps)
    assert rows(database_url, "SELECT jid, last_msg_timestamp FROM chats ORDER BY jid") == [
        (f.GROUP, f.T0),
        (f.PN, f.T0 + 2),
    ]
    assert rows(database_url, "SELECT jid, type, is_tracked FROM tracking_config ORDER BY jid") == [
        (f.GROUP, "group", False),
        (f.PN, "private", True),
    ]
    assert rows(database_url, "SELECT id FROM messages") == [("D1",)]
    assert rows(database_url, "SELECT count(*) FROM reactions") == [(0,)]


def test_batch_is_applied_once_when_redelivered(
    database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    deps = make_deps(database_url)
    record = inline_record([f.message(f.PN, "M1", f.PN, f.T0, "once")], "same-batch")
    assert ingest_record(record, deps).applied
    assert not ingest_record(record, deps).applied
    assert rows(database_url, "SELECT batch_key, event_count FROM applied_batches") == [
        (f"events/{f.SESSION}/2025/11/24/same-batch.jsonl.gz", 1)
    ]


def test_message_is_kept_with_replacement_char_when_text_holds_nul(
    database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    deps = make_deps(database_url)
    event = f.message(f.PN, "M1", f.PN, f.T0, "a\x00b", raw={"conversation": "a\x00b"}, push_name="x\x00")
    ingest_record(inline_record([event], "nul"), deps)
    assert rows(database_url, "SELECT text_body, push_name, content FROM messages") == [
        ("a\ufffdb", "x\ufffd", {"conversation": "a\ufffdb"})
    ]
