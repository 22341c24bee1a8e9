"""Search ranks the newest CANDIDATES hits, whichever way they are found: the probe alone, a walk in
time order (common words), time windows (middling words), or every older hit (rare words).

The limits are made small so that a few thousand rows exercise each path; the expected hits are
known from how the rows were generated, not from the module's own SQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from deeplens.adapters import search_queries as sq

SESSION, CHAT, OTHER = "s", "c@g.us", "d@g.us"
ALICE, ALICE_LID, BOB = "491@s.whatsapp.net", "777@lid", "492@s.whatsapp.net"


@dataclass(frozen=True)
class Row:
    chat: str
    id: str
    timestamp: int
    text: str
    sender: str = BOB
    sender_alt: str | None = None
    message_type: str = "text"


@pytest.fixture(autouse=True)
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sq, "CANDIDATES", 20)
    monkeypatch.setattr(sq, "_PROBE_ROWS", 50)
    monkeypatch.setattr(sq, "_WALK_ROWS", 400)


@pytest.fixture
def conn(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(database_url, autocommit=True) as connection:
        for jid in (CHAT, OTHER):
            connection.execute("INSERT INTO chats (session_id, jid) VALUES (%s, %s)", (SESSION, jid))
        yield connection


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The statements search ran, in order (the real fetch_all still runs them)."""
    seen: list[str] = []
    real = sq.fetch_all

    def spy(conn: Any, sql: str, params: dict[str, Any], *, prepare: bool | None = None) -> Any:
        seen.append(sql)
        return real(conn, sql, params, prepare=prepare)

    monkeypatch.setattr(sq, "fetch_all", spy)
    return seen


def _store(conn: psycopg.Connection[Any], rows: list[Row]) -> None:
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO messages (session_id, chat_jid, id, sender_jid, sender_alt_jid, message_type,"
            ' text_body, "timestamp") VALUES (%s, %s, %s, %s, %s, %s, %s, %s)',
            [
                (SESSION, r.chat, r.id, r.sender, r.sender_alt, r.message_type, r.text, r.timestamp)
                for r in rows
            ],
        )
    conn.execute("ANALYZE messages")


def _archive(count: int, is_hit: Callable[[int], bool], **options: Any) -> list[Row]:
    """`count` messages one second apart, newest last; the hits say "alpha", the rest do not."""
    return [
        Row(
            CHAT,
            f"m{i:05}",
            1_000_000 + i * 1000,
            f"alpha news {i}" if is_hit(i) else f"beta filler {i}",
            **options,
        )
        for i in range(count)
    ]


def _search(conn: psycopg.Connection[Any], query: str = "alpha", **filters: Any) -> list[dict[str, Any]]:
    """Every page, following the cursor the way the service builds it."""
    found: list[dict[str, Any]] = []
    after: sq.SearchKey | None = None
    for _ in range(100):
        page = sq.search_messages(conn, SESSION, query, sq.SearchFilters(**filters), limit=7, after=after)
        if not page:
            return found
        found += page
        last = page[-1]
        after = (float(last["rank"]), int(last["timestamp"]), str(last["chat_jid"]), str(last["id"]))
    raise AssertionError("the cursor never ended")


def _assert_newest(found: list[dict[str, Any]], hits: list[Row]) -> None:
    """The newest CANDIDATES hits, each once, in (rank, time, chat, id) order, all DESC."""
    expected = sorted(hits, key=lambda r: r.timestamp, reverse=True)[: sq.CANDIDATES]
    assert sorted(r["id"] for r in found) == sorted(r.id for r in expected)
    keys = [(r["rank"], r["timestamp"], r["chat_jid"], r["id"]) for r in found]
    assert keys == sorted(keys, reverse=True)
    assert len(set(keys)) == len(keys)


def _first_page(conn: psycopg.Connection[Any], statements: list[str]) -> list[str]:
    """The statements one search call runs (every call finds its candidates afresh)."""
    statements.clear()
    sq.search_messages(conn, SESSION, "alpha", sq.SearchFilters(), limit=7, after=None)
    return statements


def _windowed(statements: list[str]) -> int:
    return sum(1 for sql in statements if 'm."timestamp" >= %(after)s' in sql)


def _walks(statements: list[str]) -> int:
    return sum(1 for sql in statements if "recent AS MATERIALIZED" in sql)


def _unbounded_hits(statements: list[str]) -> int:
    return sum(1 for sql in statements if "%(need)s" in sql and "%(after)s" not in sql)


def test_probe_alone_serves_a_very_common_word(conn: Any, statements: list[str]) -> None:
    rows = _archive(600, lambda i: i % 2 == 0)
    _store(conn, rows)
    _assert_newest(_search(conn), [r for r in rows if "alpha" in r.text])
    _first_page(conn, statements)
    assert _walks(statements) == 1 and _windowed(statements) == 0 and _unbounded_hits(statements) == 0


def test_walk_in_time_order_serves_a_common_word(conn: Any, statements: list[str]) -> None:
    rows = _archive(1500, lambda i: i % 10 == 3)
    _store(conn, rows)
    _assert_newest(_search(conn), [r for r in rows if "alpha" in r.text])
    _first_page(conn, statements)
    assert _walks(statements) == 2 and _windowed(statements) == 0 and _unbounded_hits(statements) == 0


def test_time_windows_serve_a_word_of_middling_frequency(conn: Any, statements: list[str]) -> None:
    rows = _archive(4000, lambda i: i % 40 == 7)
    _store(conn, rows)
    _assert_newest(_search(conn), [r for r in rows if "alpha" in r.text])
    _first_page(conn, statements)
    assert _windowed(statements) >= 1


def test_every_older_hit_is_read_when_the_probe_finds_none(conn: Any, statements: list[str]) -> None:
    rows = _archive(2000, lambda i: i in (5, 900, 1200))
    _store(conn, rows)
    _assert_newest(_search(conn), [r for r in rows if "alpha" in r.text])
    _first_page(conn, statements)
    assert _unbounded_hits(statements) >= 1


def test_windows_give_way_to_every_older_hit_when_hits_thin_out(conn: Any, statements: list[str]) -> None:
    # Dense in the probe, then almost none: the windows sized from the probe come up short.
    rows = _archive(6000, lambda i: i >= 5990 or i in (10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120))
    _store(conn, rows)
    _assert_newest(_search(conn), [r for r in rows if "alpha" in r.text])
    _first_page(conn, statements)
    assert _unbounded_hits(statements) >= 1


def test_messages_sharing_the_oldest_instant_read_are_not_lost(conn: Any) -> None:
    # Three messages per instant, so the probe's 50 rows end inside an instant (983: 2 of its 3
    # rows read), and all three are hits: the walk after the probe must read that instant again.
    rows = [
        Row(CHAT, f"m{i:05}", 1_000_000 + (i // 3) * 1000,
            f"alpha tie {i}" if i % 7 == 0 or i // 3 == 983 else f"beta {i}")
        for i in range(3000)
    ]  # fmt: skip
    _store(conn, rows)
    _assert_newest(_search(conn), [r for r in rows if "alpha" in r.text])


@pytest.mark.parametrize("share", [2, 10, 40])
def test_sender_filter_matches_either_identity_on_every_path(conn: Any, share: int) -> None:
    # Alice writes under her phone number and, every third message, under her LID (the PN as alt).
    rows = [
        Row(
            CHAT, f"m{i:05}", 1_000_000 + i * 1000,
            f"alpha {i}" if i % share == 1 else f"beta {i}",
            sender=(ALICE_LID if i % 3 == 0 else ALICE) if i % 2 else BOB,
            sender_alt=ALICE if i % 2 and i % 3 == 0 else None,
        )
        for i in range(4000)
    ]  # fmt: skip
    _store(conn, rows)
    expected = [r for r in rows if "alpha" in r.text and ALICE in (r.sender, r.sender_alt)]
    _assert_newest(_search(conn, sender=ALICE), expected)


@pytest.mark.parametrize("share", [2, 10, 40])
def test_chat_type_and_time_filters_hold_on_every_path(conn: Any, share: int) -> None:
    rows = [
        Row(
            OTHER if i % 4 == 0 else CHAT, f"m{i:05}", 1_000_000 + i * 1000,
            f"alpha {i}" if i % share == 1 else f"beta {i}",
            message_type="image" if i % 3 == 0 else "text",
        )
        for i in range(4000)
    ]  # fmt: skip
    _store(conn, rows)
    to_ms = 1_000_000 + 3500 * 1000
    expected = [
        r for r in rows
        if "alpha" in r.text and r.chat == CHAT and r.message_type == "image" and r.timestamp < to_ms
    ]  # fmt: skip
    _assert_newest(_search(conn, chat=CHAT, message_type="image", to_ms=to_ms), expected)
