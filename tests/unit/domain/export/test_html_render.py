"""The HTML pages: hostile content renders inert, pages split by month and size, bubbles show what
the archive knows (edits, deletion, reactions, quotes, polls, media)."""

from __future__ import annotations

import re
from datetime import UTC
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from deeplens.domain.export.html_render import (
    CSP,
    ChatSummary,
    HtmlPage,
    PageInfo,
    Pager,
    chat_index_html,
    export_index_html,
    message_html,
)
from deeplens.domain.export.records import (
    ExportChat,
    ExportMessage,
    Media,
    Poll,
    Quote,
    Reaction,
    Version,
    Vote,
)

T0 = 1_764_000_000_000  # 2025-11-24 16:00 UTC
GROUP = ExportChat("120363012345678901@g.us", 'Team"><img src=x onerror=alert(1)>', "group")
SCRIPT = "<script>alert(1)</script>"
HOSTILE_NAME = '"><img src=x onerror=alert(1)>'


def msg(**fields: object) -> ExportMessage:
    base: dict[str, object] = {
        "id": "M1",
        "timestamp": T0,
        "sender_jid": "4915112345678@s.whatsapp.net",
        "sender_name": "Anna",
        "from_me": False,
        "type": "text",
        "text": "hi",
    }
    base.update(fields)
    return ExportMessage(**base)  # type: ignore[arg-type]


class _Elements(HTMLParser):
    """Every start tag and its attributes, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def elements(markup: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(markup)
    return parser.tags


OUR_TAGS = {"article", "div", "blockquote", "b", "span", "a", "img", "ul", "li", "small", "details",
            "summary", "ol", "time", "footer", "audio", "video"}  # fmt: skip


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_of(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    return "".join(parser.parts)


def assert_inert(markup: str) -> None:
    for tag, attrs in elements(markup):
        assert tag not in {"script", "iframe", "object", "embed", "form", "base"}, tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), (tag, attrs)


def test_script_in_a_text_and_a_hostile_name_render_as_text() -> None:
    message = msg(text=SCRIPT, sender_name=HOSTILE_NAME)
    markup = message_html(message, GROUP, UTC)
    assert_inert(markup)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in markup
    assert [tag for tag, _ in elements(markup)] == ["article", "div", "div", "footer", "time"]


def test_every_content_field_is_escaped() -> None:
    message = msg(
        id='x" onmouseover="alert(1)',
        text=SCRIPT,
        quoted=Quote("Q1", "1@s.whatsapp.net", HOSTILE_NAME, SCRIPT, "text"),
        reactions=(Reaction("<b>", "2@s.whatsapp.net", HOSTILE_NAME, T0 + 1),),
        versions=(Version(T0, SCRIPT, True), Version(T0 + 5, "<i>", False)),
        edited_at=T0 + 5,
        media=Media("F1", "image/jpeg", HOSTILE_NAME + ".jpg", 10, "stored", href="../F1_x.jpg"),
        poll=Poll(SCRIPT, (HOSTILE_NAME,), (Vote("3@s.whatsapp.net", HOSTILE_NAME, (HOSTILE_NAME,), T0),)),
    )
    markup = message_html(message, GROUP, UTC)
    assert_inert(markup)
    assert {tag for tag, _ in elements(markup)} <= OUR_TAGS
    assert text_of(markup).count(SCRIPT) == 3  # text, poll question, original version: as text
    assert text_of(markup).count(HOSTILE_NAME) == 3  # quote, poll option, voter
    (article,) = [attrs for tag, attrs in elements(markup) if tag == "article"]
    assert article["id"] == 'm-x" onmouseover="alert(1)'  # one attribute value, not a new attribute


def test_file_names_cannot_break_out_of_links() -> None:
    media = Media("F1", "application/pdf", 'a"b<c>.pdf', 10, "stored", href='../F1_a"b#?%.pdf')
    markup = message_html(msg(media=media, text=None), GROUP, UTC)
    assert_inert(markup)
    (link,) = [attrs for tag, attrs in elements(markup) if tag == "a"]
    assert link["href"] == "../F1_a%22b%23%3F%25.pdf"


def test_media_links_to_the_archive_are_links_only() -> None:
    media = Media("F1", "image/jpeg", None, 10, "stored", href="https://archive.example.org/api/media/F1")
    markup = message_html(msg(media=media, text=None), GROUP, UTC)
    tags = elements(markup)
    assert "img" not in [tag for tag, _ in tags]  # a remote image would not load under the CSP
    link = {"class": "file", "href": "https://archive.example.org/api/media/F1", "rel": "noopener noreferrer"}
    assert ("a", link) in tags


def test_images_load_lazily_from_the_export_folder() -> None:
    media = Media("F1", "image/jpeg", None, 10, "stored", width=1280, height=960, href="../F1.jpg")
    tags = elements(message_html(msg(media=media, text="holiday"), GROUP, UTC))
    img = next(attrs for tag, attrs in tags if tag == "img")
    assert img["src"] == "../F1.jpg" and img["loading"] == "lazy" and img["width"] == "1280"


def test_a_file_not_in_the_export_shows_its_name_and_why() -> None:
    media = Media("F1", "image/jpeg", None, 10, "unavailable")
    markup = message_html(msg(media=media, text=None), GROUP, UTC)
    assert "(unavailable)" in markup and "<img" not in markup


def test_deleted_edited_reacted_quoted_poll() -> None:
    message = msg(
        from_me=True,
        deleted_at=T0 + 60_000,
        edited_at=T0 + 30_000,
        versions=(Version(T0, "first", True), Version(T0 + 30_000, "second", False)),
        text="second",
        quoted=Quote("Q1", "1@s.whatsapp.net", "Bob", "question?", "text"),
        reactions=(
            Reaction("👍", "1@s.whatsapp.net", "Bob", T0),
            Reaction("👍", "2@s.whatsapp.net", None, T0),
        ),
    )
    markup = message_html(message, GROUP, UTC)
    assert 'class="msg out deleted"' in markup
    assert "Deleted 16:01" in markup and "edited" in markup
    assert '<details class="versions">' in markup and "(original) first" in markup
    assert '<li title="Bob, 2">👍 2</li>' in markup
    assert "<b>Bob</b><span>question?</span>" in markup
    poll = Poll("Lunch?", ("Pizza", "Sushi"), (Vote("1@s.whatsapp.net", "Bob", ("Pizza",), T0),))
    markup = message_html(msg(type="poll", text=None, poll=poll), GROUP, UTC)
    assert "Lunch?" in markup and re.search(r"Pizza</span> <b>1</b> <small>Bob</small>", markup)
    assert "Sushi</span> <b>0</b>" in markup


def test_sender_shown_in_groups_only() -> None:
    direct = ExportChat("1@s.whatsapp.net", "Anna", "direct")
    assert 'class="sender"' not in message_html(msg(), direct, UTC)
    assert 'class="sender">Anna<' in message_html(msg(), GROUP, UTC)


def test_every_page_forbids_script_and_carries_no_script() -> None:
    page = HtmlPage(GROUP, UTC, "2025-11.html")
    markup = page.start(None) + page.message(msg(text=SCRIPT)) + page.end(None, "2025-12.html")
    index = chat_index_html(GROUP, [PageInfo("2025-11.html", T0, T0, 1)], UTC)
    top = export_index_html(HOSTILE_NAME, [ChatSummary(GROUP, "chats/Team-1", 1, T0, T0)], UTC)
    for document in (markup, index, top):
        assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in document
        assert_inert(document)
        assert "<script" not in document
    assert "script-src 'none'" in CSP and "default-src 'none'" in CSP
    assert '<a href="2025-12.html" rel="next">' in markup


def test_day_separator_once_per_day_in_the_readers_time_zone() -> None:
    page = HtmlPage(GROUP, ZoneInfo("Asia/Tokyo"), "2025-11.html")
    evening = T0 - 2 * 3600_000  # 2025-11-24 23:00 in Tokyo; T0 is 01:00 on the 25th there
    out = [page.message(msg(timestamp=t)) for t in (evening, evening + 60_000, T0)]
    assert "Monday, 24 November 2025" in out[0]
    assert 'class="day"' not in out[1]
    assert "Tuesday, 25 November 2025" in out[2]


def test_pager_splits_by_month_then_by_size() -> None:
    pager = Pager(UTC, per_page=2)
    day = 86_400_000
    stamps = [T0, T0 + 1, T0 + 2, T0 + 10 * day, T0 + 11 * day]  # 3 in Nov, 2 in Dec (24 Nov + 10 d)
    placed = [pager.place(msg(timestamp=t)) for t in stamps]
    assert placed == ["2025-11.html", None, "2025-11-2.html", "2025-12.html", None]
