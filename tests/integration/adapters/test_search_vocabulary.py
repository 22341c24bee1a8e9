"""Partial words through the archive's vocabulary (migration 0016): every word of every message is in
`search_words` whoever writes the message, a substring anywhere in a token is found (links, numbers,
e-mail addresses, hyphenated words, any script), and the index path finds the same hits as reading
every row. Expected hits are what Python's `in` says of the texts folded by `dl_search_text` (the
schema's definition of folding, not the search's SQL)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from deeplens.adapters import search_queries as sq
from deeplens.adapters.migrations import apply_migrations
from devstack.stack import MIGRATIONS

SESSION, CHAT = "s", "c@g.us"
TEXTS = {
    "compound": "Wir treffen uns vor dem Krankenhaus in München",
    "link": "schau mal https://bit.ly/Xy7q9 und www.example.com/path",
    "mail": "schreib an max.mustermann@example.org bitte",
    "phone": "ruf an: +49 171 12345678 oder 0171-9876543",
    "hyphen": "das ist über-cool, estación central",
    "hindi": "कल सुबह बैठक में मिलते हैं",
    "html": "<b>fett</b> &amp; so",
    "other": "nothing to see here",
}


def _expected(conn: psycopg.Connection[Any], query: str) -> set[str]:
    """The messages whose folded text contains the folded query."""

    def fold(text: str) -> str:
        row = conn.execute("SELECT dl_search_text(%s)", (text,)).fetchone()
        assert row is not None
        return str(row[0])

    return {key for key, text in TEXTS.items() if fold(query) in fold(text)}


@pytest.fixture
def conn(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("INSERT INTO chats (session_id, jid) VALUES (%s, %s)", (SESSION, CHAT))
        with connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO messages (session_id, chat_jid, id, text_body, timestamp)"
                " VALUES (%s, %s, %s, %s, %s)",
                [(SESSION, CHAT, key, text, 1_000 + n) for n, (key, text) in enumerate(TEXTS.items())],
            )
        yield connection


def _search(conn: psycopg.Connection[Any], query: str) -> set[str]:
    rows = sq.search_messages(conn, SESSION, query, sq.SearchFilters(), limit=50, after=None)
    return {str(row["id"]) for row in rows}


def _words(conn: psycopg.Connection[Any]) -> set[str]:
    return {row[0] for row in conn.execute("SELECT word FROM search_words")}


def _lexemes(conn: psycopg.Connection[Any]) -> set[str]:
    rows = conn.execute("SELECT DISTINCT unnest(tsvector_to_array(search_vector)) FROM messages")
    return {row[0] for row in rows}


@pytest.mark.parametrize(
    "query",
    ["kenhaus", "KRANKENH", "unch", "bit.ly/xy", "xy7q", "ample.com/pa", "mustermann@exa", "2345",
     "9876", "er-co", "tacion", "ैठक", "सुबह बैठ", "http", "amp", "fett", "see her", "nowhere"],
)  # fmt: skip
def test_finds_the_same_messages_as_a_substring_test_when_part_of_a_token_is_typed(
    conn: psycopg.Connection[Any], query: str
) -> None:
    assert _search(conn, query) == _expected(conn, query)


def test_index_path_finds_what_reading_every_row_finds_when_only_old_messages_match(
    conn: psycopg.Connection[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The probe reads 1 row: every other hit comes from the index path (vocabulary + messages_search).
    monkeypatch.setattr(sq, "_PROBE_ROWS", 1)
    for query in ("kenhaus", "xy7q", "2345", "tacion", "mustermann@exa", "http", "xampl"):
        assert _search(conn, query) == _expected(conn, query), query


def test_vocabulary_holds_every_word_when_messages_are_inserted_upserted_and_edited(
    conn: psycopg.Connection[Any],
) -> None:
    assert _words(conn) == _lexemes(conn)
    conn.execute(
        "INSERT INTO messages (session_id, chat_jid, id, text_body, timestamp) VALUES (%s, %s, %s, %s, 5)"
        " ON CONFLICT (session_id, chat_jid, id) DO UPDATE SET text_body = EXCLUDED.text_body",
        (SESSION, CHAT, "other", "upserted Zwischenablage"),
    )
    conn.execute("UPDATE messages SET text_body = 'edited Donaudampfschiff' WHERE id = 'hindi'")
    assert {"zwischenablage", "donaudampfschiff"} <= _words(conn)
    assert _words(conn) >= _lexemes(conn)
    assert _search(conn, "dampfsch") == {"hindi"}
    assert _search(conn, "schenabl") == {"other"}


def test_no_piece_of_three_letters_is_still_found_by_reading_the_rows(
    conn: psycopg.Connection[Any],
) -> None:
    assert sq.longest_piece("l, e") is None
    assert _search(conn, "l, e") == _expected(conn, "l, e") == {"hyphen"}


def test_longest_piece_is_a_run_of_letters_marks_and_digits() -> None:
    assert sq.longest_piece("bit.ly/Xy7q9") == "Xy7q9"
    assert sq.longest_piece("सुबह बैठ") == "सुबह"
    assert sq.longest_piece("a-b c") is None


def test_migration_fills_the_vocabulary_from_existing_messages_when_applied(
    empty_database_url: str, tmp_path: Path
) -> None:
    before = tmp_path / "before"
    before.mkdir()
    for path in sorted(Path(MIGRATIONS).glob("*.sql")):
        if int(path.name[:4]) < 16:
            shutil.copy(path, before / path.name)
    apply_migrations(empty_database_url, before)
    with psycopg.connect(empty_database_url, autocommit=True) as connection:
        connection.execute("INSERT INTO chats (session_id, jid) VALUES (%s, %s)", (SESSION, CHAT))
        connection.execute(
            'INSERT INTO messages (session_id, chat_jid, id, text_body, "timestamp") VALUES'
            " (%s, %s, 'a', 'im Krankenhaus', 1), (%s, %s, 'b', 'see https://x.org', 2)",
            (SESSION, CHAT, SESSION, CHAT),
        )
    apply_migrations(empty_database_url, MIGRATIONS)
    with psycopg.connect(empty_database_url, autocommit=True) as connection:
        assert _words(connection) == {"im", "krankenhaus", "see", "https://", "x.org"}
        assert _search(connection, "kenhaus") == {"a"}
        assert _search(connection, "http") == {"b"}
        indexes = connection.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'messages'")
        assert "messages_text_trgm" not in {row[0] for row in indexes}
