"""Search: any language, prefixes and parts of words, every filter, ranking, snippets, pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests import factories as f
from tests.integration.api.transport import ApiClient

CLUB = "120363000000000001@g.us"
DAY = 86_400_000
TEXTS = {
    "en": (CLUB, f.BOB_PN, "The quarterly report is ready for review"),
    "de": (CLUB, f.PN, "Grüße aus München, wir treffen uns übermorgen im Krankenhaus"),
    "es": (CLUB, f.BOB_PN, "¿Dónde está la estación de autobuses?"),
    "pt": (CLUB, f.PN, "Não esqueça a reunião de amanhã às três"),
    "hi": (CLUB, f.BOB_PN, "कल सुबह बैठक में मिलते हैं"),
    "ar": (CLUB, f.PN, "سنلتقي في الاجتماع صباح الغد"),
    "en2": (f.BOB_PN, f.BOB_PN, "The reporter called about the report"),
    "en3": (CLUB, f.BOB_PN, "reporting later, Tom & Jerry"),
    "old": (CLUB, f.PN, "old report from last week"),
}


@pytest.fixture(autouse=True)
def archive(ingest: Callable[[list[dict[str, Any]]], None]) -> None:
    events = [f.chat(CLUB, "group", "Club", f.T0 - 10 * DAY), f.lid_mapping(f.LID, f.PN, f.T0 - 10 * DAY)]
    for index, (key, (chat, sender, text)) in enumerate(TEXTS.items()):
        at = f.T0 - 3 * DAY if key == "old" else f.T0 + index * 1000
        events.append(f.message(chat, key, sender, at, text))
    image = f.media("Fsearch0000001", "skipped", None)
    events.append(f.message(CLUB, "img", f.PN, f.T0 + 20_000, "report photo", type="image", media=image))
    ingest(events)


def _hits(client: ApiClient, **params: Any) -> list[str]:
    reply = client.get("/api/search", params=params)
    assert reply.status == 200, reply.json()
    return [hit["id"] for hit in reply.json()["items"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("review", "en"),
        ("MÜNCHEN", "de"),
        ("munchen", "de"),
        ("estacion", "es"),
        ("reunião", "pt"),
        ("बैठक", "hi"),
        ("الاجتماع", "ar"),
    ],
)
def test_finds_the_word_in_its_language_when_case_or_accents_differ(
    client: ApiClient, query: str, expected: str
) -> None:
    assert _hits(client, q=query) == [expected]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("quarter", ["en"]),  # prefix
        ("übermor", ["de"]),  # prefix, accent
        ("kenhaus", ["de"]),  # middle of a compound: trigram
        ("tacion", ["es"]),  # middle of a word, accent folded
        ("सुब", ["hi"]),  # prefix in Devanagari
        ('"quarterly report"', ["en"]),  # phrase
    ],
)
def test_finds_partial_words_when_only_part_is_typed(
    client: ApiClient, query: str, expected: list[str]
) -> None:
    assert _hits(client, q=query) == expected


def test_whole_word_ranks_above_prefix_when_both_match(client: ApiClient) -> None:
    hits = _hits(client, q="report")
    assert set(hits) == {"en", "en2", "en3", "old", "img"}
    assert hits.index("en3") > max(hits.index(h) for h in ("en", "en2", "old", "img"))  # "reporting" only


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"chat": f.BOB_PN}, {"en2"}),
        ({"sender": f.PN}, {"old", "img"}),
        ({"sender": f.LID}, {"old", "img"}),  # the same person under the LID
        ({"type": "image"}, {"img"}),
        ({"from": "2025-11-24"}, {"en", "en2", "en3", "img"}),
        ({"to": "2025-11-21"}, {"old"}),  # a date includes its whole day
        ({"from": "2025-11-20T00:00:00Z", "to": "2025-11-22T00:00:00Z"}, {"old"}),
        ({"chat": CLUB, "sender": f.BOB_PN, "type": "text"}, {"en", "en3"}),
    ],
)
def test_hits_respect_the_filter_when_one_is_given(
    client: ApiClient, filters: dict[str, str], expected: set[str]
) -> None:
    assert set(_hits(client, q="report", **filters)) == expected


def test_snippet_is_escaped_html_with_marked_words_when_found(client: ApiClient) -> None:
    hit = client.get("/api/search", params={"q": "munchen"}).json()["items"][0]
    assert "<mark>München</mark>" in hit["snippet"]
    assert hit["chat_name"] == "Club" and hit["chat_jid"] == CLUB
    escaped = client.get("/api/search", params={"q": "reporting"}).json()["items"][0]["snippet"]
    assert "Tom &amp; Jerry" in escaped and "<mark>reporting</mark>" in escaped


def test_pages_cover_every_hit_once_when_following_the_cursor(client: ApiClient) -> None:
    everything = _hits(client, q="report")
    seen, cursor = [], None
    while True:
        page = client.get("/api/search", params={"q": "report", "limit": 2, "cursor": cursor}).json()
        seen += [hit["id"] for hit in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x", "chat": "nope"}, "chat"),
        ({"q": "x", "type": "hologram"}, "type"),
        ({"q": "x", "from": "yesterday"}, "from"),
        ({"q": "x", "cursor": "!!"}, "cursor"),
        ({}, "q"),
    ],
)
def test_search_names_the_field_when_input_is_invalid(
    client: ApiClient, params: dict[str, str], field: str
) -> None:
    reply = client.get("/api/search", params=params)
    assert reply.status in {400, 422}
    assert reply.json()["error"]["field"] == field


def test_search_finds_nothing_without_error_when_query_has_no_words(client: ApiClient) -> None:
    assert _hits(client, q="!!!") == []
