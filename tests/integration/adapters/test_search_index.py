"""The schema's multilingual search: words in any script, accents folded, partial words by trigram."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

TEXTS = {
    "en": "The quarterly report is ready for review",
    "de": "Grüße aus München, wir treffen uns übermorgen",
    "es": "¿Dónde está la estación de autobuses?",
    "pt": "Não esqueça a reunião de amanhã às três",
    "hi": "कल सुबह बैठक में मिलते हैं",
    "ar": "سنلتقي في الاجتماع صباح الغد",
}


@pytest.fixture
def archive(database_url: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("INSERT INTO chats (session_id, jid) VALUES ('s', 'c@g.us')")
        for lang, text in TEXTS.items():
            conn.execute(
                "INSERT INTO messages (session_id, chat_jid, id, text_body, timestamp)"
                " VALUES ('s', 'c@g.us', %s, %s, 1)",
                (lang, text),
            )
        yield conn


def _full_text(conn: psycopg.Connection[tuple[object, ...]], query: str) -> set[object]:
    rows = conn.execute(
        "SELECT id FROM messages WHERE search_vector @@ plainto_tsquery('dl_multilingual', %s)",
        (query,),
    ).fetchall()
    return {row[0] for row in rows}


@pytest.mark.parametrize(
    ("query", "lang"),
    [
        ("report", "en"),
        ("MÜNCHEN", "de"),
        ("munchen", "de"),
        ("estacion", "es"),
        ("reunião", "pt"),
        ("बैठक", "hi"),
        ("الاجتماع", "ar"),
    ],
)
def test_finds_word_in_any_language_when_case_or_accents_differ(
    archive: psycopg.Connection[tuple[object, ...]], query: str, lang: str
) -> None:
    assert _full_text(archive, query) == {lang}


def test_finds_partial_word_when_using_trigram_index(
    archive: psycopg.Connection[tuple[object, ...]],
) -> None:
    rows = archive.execute(
        "SELECT id FROM messages WHERE dl_search_text(text_body) LIKE '%%' || dl_search_text(%s) || '%%'",
        ("uartérl",),
    ).fetchall()
    assert [row[0] for row in rows] == ["en"]
