"""Static HTML pages of an export: open from the file system, no server, no script at all.

Everything from the archive is hostile: every text, name and file name goes through `escape` (also
in attributes, which are always double-quoted), hrefs are built only from our own sanitized names
(percent-encoded) or a checked http(s) base URL, and each page carries a Content-Security-Policy
that allows no script of any kind (inline, event handler or file), no frames, forms or plugins:
images, audio and video only from the export's own folder (`'self'`). Pages are split by month (and
by `per_page` messages within a month), so a huge chat opens as fast as a small one; images load
lazily (`loading="lazy"`, no script needed)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from urllib.parse import quote

from deeplens.domain.export.paths import page_name
from deeplens.domain.export.records import ExportChat, ExportMessage, Media, Poll, local_time, poll_tally
from deeplens.domain.media import inline_type

CSP = (
    "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'self'; "
    "script-src 'none'; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'"
)
PER_PAGE = 1000


def escape(text: object) -> str:
    return html.escape(str(text), quote=True)


def href(path: str) -> str:
    """A relative path of our own as an attribute value: each character that could end or change
    the URL (`#`, `?`, `%`, spaces, quotes) percent-encoded."""
    return escape(quote(path, safe="/-_.~"))


# --- Pages -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageInfo:
    """One written page of a chat, for its index."""

    name: str
    first_at: int
    last_at: int
    count: int


class Pager:
    """Which page each message (oldest first) goes on: a new one at each month of `tz`, and after
    `per_page` messages within a month (`2025-11.html`, `2025-11-2.html`, ...)."""

    def __init__(self, tz: tzinfo, per_page: int = PER_PAGE) -> None:
        self.tz, self.per_page = tz, per_page
        self.month: str | None = None
        self.part = 0
        self.count = 0

    def place(self, message: ExportMessage) -> str | None:
        """The name of the new page `message` starts, or None when it goes on the current one."""
        month = local_time(message.timestamp, self.tz).strftime("%Y-%m")
        if month != self.month:
            self.month, self.part, self.count = month, 1, 1
            return page_name(month, 1)
        self.count += 1
        if self.count > self.per_page:
            self.part, self.count = self.part + 1, 1
            return page_name(month, self.part)
        return None


def _head(title: str, style: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title>"
        f'<link rel="stylesheet" href="{href(style)}"></head>\n'
    )


def _nav(previous: str | None, following: str | None, up: str, up_label: str) -> str:
    parts = [f'<a href="{href(previous)}" rel="prev">← Older</a>' if previous else "<span></span>"]
    parts.append(f'<a href="{href(up)}">{escape(up_label)}</a>')
    parts.append(f'<a href="{href(following)}" rel="next">Newer →</a>' if following else "<span></span>")
    return f'<nav class="pager">{"".join(parts)}</nav>\n'


class HtmlPage:
    """One page of a chat as strings, in order: `start`, `message` for each message, `end`."""

    def __init__(self, chat: ExportChat, tz: tzinfo, name: str) -> None:
        self.chat, self.tz, self.name = chat, tz, name
        self.day: str | None = None

    def start(self, previous: str | None) -> str:
        label = self.name.removesuffix(".html")
        return (
            _head(f"{self.chat.title} — {label}", "../../../style.css")
            + '<body><header class="bar"><a href="../../../index.html">All chats</a> &rsaquo; '
            f'<a href="../index.html">{escape(self.chat.title)}</a> &rsaquo; {escape(label)}</header>\n'
            + _nav(previous, None, "../index.html", "All months")
            + f'<main class="chat{" group" if self.chat.is_group else ""}">\n'
        )

    def message(self, message: ExportMessage) -> str:
        day = local_time(message.timestamp, self.tz).strftime("%A, %d %B %Y")
        separator = "" if day == self.day else f'<div class="day"><span>{escape(day)}</span></div>\n'
        self.day = day
        return separator + message_html(message, self.chat, self.tz)

    def end(self, previous: str | None, following: str | None) -> str:
        return "</main>\n" + _nav(previous, following, "../index.html", "All months") + "</body></html>\n"


def message_html(message: ExportMessage, chat: ExportChat, tz: tzinfo) -> str:
    """One bubble: sender (groups), quote, media, text, poll, edit history, time, reactions."""
    side = "out" if message.from_me else "in"
    classes = f"msg {side}" + (" deleted" if message.deleted_at else "")
    parts = [f'<article class="{classes}" id="m-{escape(message.id)}">']
    if chat.is_group and not message.from_me:
        parts.append(f'<div class="sender">{escape(message.sender_label())}</div>')
    if message.quoted:
        quoted_name = message.quoted.sender_label()
        quoted_text = message.quoted.text or f"[{message.quoted.type or 'message'}]"
        parts.append(
            f'<blockquote class="quote"><b>{escape(quoted_name)}</b>'
            f"<span>{escape(quoted_text)}</span></blockquote>"
        )
    if message.deleted_at:
        parts.append(f'<div class="note">🚫 Deleted {escape(_clock(message.deleted_at, tz))}</div>')
    if message.media:
        parts.append(media_html(message.media))
    if message.poll:
        parts.append(poll_html(message.poll))
    elif message.text:
        parts.append(f'<div class="text">{escape(message.text)}</div>')
    elif not message.media:
        parts.append(f'<div class="note">[{escape(message.type)}]</div>')
    parts.append(_versions_html(message, tz))
    stamp = local_time(message.timestamp, tz).strftime("%Y-%m-%d %H:%M:%S")
    edited = " · edited" if message.edited_at else ""
    clock = escape(_clock(message.timestamp, tz))
    parts.append(f'<footer><time title="{escape(stamp)}">{clock}</time>{edited}</footer>')
    parts.append(_reactions_html(message))
    parts.append("</article>\n")
    return "".join(parts)


def _clock(timestamp_ms: int, tz: tzinfo) -> str:
    return local_time(timestamp_ms, tz).strftime("%H:%M")


def media_html(media: Media) -> str:
    """The file: an image (lazy), a player, or a link; without a file in the export, its name."""
    label = media.file_name or media.export_name or media.mime or "file"
    if media.href is None:
        reason = "not in this export" if media.status == "stored" else media.status
        return f'<div class="file missing">📎 {escape(label)} <small>({escape(reason)})</small></div>'
    remote = media.href.startswith(("http://", "https://"))
    link = escape(media.href) if remote else href(media.href)
    shown = inline_type(media.mime)
    if shown and shown.startswith("image/") and not remote:
        size = ""
        if media.width and media.height:
            size = f' width="{int(media.width)}" height="{int(media.height)}"'
        return (
            f'<a class="image" href="{link}"><img src="{link}" loading="lazy" decoding="async"'
            f'{size} alt="{escape(media.file_name or "image")}"></a>'
        )
    base = (media.mime or "").split("/", 1)[0]
    if base in {"audio", "video"} and not remote:
        return (
            f'<{base} controls preload="none" src="{link}"></{base}>'
            f'<a class="file" href="{link}">{escape(label)}</a>'
        )
    return f'<a class="file" href="{link}" rel="noopener noreferrer">📎 {escape(label)}</a>'


def poll_html(poll: Poll) -> str:
    rows = []
    for option, votes in poll_tally(poll):
        voters = ", ".join(vote.voter_name or vote.voter_jid.split("@", 1)[0] for vote in votes)
        rows.append(
            f'<li><span class="option">{escape(option)}</span> <b>{len(votes)}</b>'
            f"{f' <small>{escape(voters)}</small>' if voters else ''}</li>"
        )
    return f'<div class="poll"><b>📊 {escape(poll.question or "Poll")}</b><ul>{"".join(rows)}</ul></div>'


def _versions_html(message: ExportMessage, tz: tzinfo) -> str:
    if not message.versions:
        return ""
    items = "".join(
        f"<li><time>{escape(local_time(v.edited_at, tz).strftime('%Y-%m-%d %H:%M'))}</time> "
        f"{'(original) ' if v.is_original else ''}{escape(v.text or '')}</li>"
        for v in message.versions
    )
    return f'<details class="versions"><summary>Edit history</summary><ol>{items}</ol></details>'


def _count(n: int) -> str:
    return f" {n}" if n > 1 else ""


def _reactions_html(message: ExportMessage) -> str:
    if not message.reactions:
        return ""
    by_emoji: dict[str, list[str]] = {}
    for reaction in message.reactions:
        name = reaction.reactor_name or reaction.reactor_jid.split("@", 1)[0]
        by_emoji.setdefault(reaction.emoji, []).append(name)
    chips = "".join(
        f'<li title="{escape(", ".join(names))}">{escape(emoji)}{_count(len(names))}</li>'
        for emoji, names in by_emoji.items()
    )
    return f'<ul class="reactions">{chips}</ul>'


# --- Indexes ---------------------------------------------------------------------------------------


def chat_index_html(chat: ExportChat, pages: Sequence[PageInfo], tz: tzinfo) -> str:
    """A chat's list of pages (one per month, or more), with their dates and message counts."""
    rows = "".join(
        f'<li><a href="pages/{href(page.name)}">{escape(page.name.removesuffix(".html"))}</a> '
        f"<small>{escape(_day(page.first_at, tz))} &ndash; {escape(_day(page.last_at, tz))}, "
        f"{page.count} messages</small></li>"
        for page in pages
    )
    empty = "" if pages else '<p class="note">No messages in this export.</p>'
    return (
        _head(chat.title, "../../style.css")
        + '<body><header class="bar"><a href="../../index.html">All chats</a> &rsaquo; '
        f"{escape(chat.title)}</header>"
        f'<main class="index"><h1>{escape(chat.title)}</h1><p><small>{escape(chat.jid)}</small></p>'
        f'{empty}<ol class="pages">{rows}</ol></main></body></html>\n'
    )


@dataclass(frozen=True)
class ChatSummary:
    chat: ExportChat
    folder: str  # chats/{folder}, relative to the export's root
    count: int
    first_at: int | None
    last_at: int | None


def export_index_html(title: str, chats: Sequence[ChatSummary], tz: tzinfo) -> str:
    rows = "".join(
        f'<li><a href="{href(item.folder + "/index.html")}">{escape(item.chat.title)}</a> '
        f"<small>{item.count} messages"
        f"{_span(item.first_at, item.last_at, tz)}</small></li>"
        for item in chats
    )
    return (
        _head(title, "style.css") + f'<body><main class="index"><h1>{escape(title)}</h1>'
        f'<ul class="chats">{rows}</ul></main></body></html>\n'
    )


def _span(first: int | None, last: int | None, tz: tzinfo) -> str:
    if first is None or last is None:
        return ""
    return f", {escape(_day(first, tz))} &ndash; {escape(_day(last, tz))}"


def _day(timestamp_ms: int, tz: tzinfo) -> str:
    return local_time(timestamp_ms, tz).strftime("%Y-%m-%d")


STYLE_CSS = """\
:root { color-scheme: light dark; --bg: #efeae2; --in: #fff; --out: #d9fdd3; --ink: #111b21;
  --muted: #667781; --bar: #008069; }
@media (prefers-color-scheme: dark) { :root { --bg: #0b141a; --in: #202c33; --out: #005c4b;
  --ink: #e9edef; --muted: #8696a0; --bar: #202c33; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: inherit; }
.bar { position: sticky; top: 0; z-index: 1; background: var(--bar); color: #fff; padding: 10px 16px; }
.bar a { color: #fff; }
.pager { display: flex; justify-content: space-between; max-width: 900px; margin: 8px auto; padding: 0 12px; }
.chat { display: flex; flex-direction: column; gap: 4px; max-width: 900px; margin: 0 auto;
  padding: 8px 12px 24px; }
.day { text-align: center; margin: 12px 0 6px; }
.day span { background: var(--in); color: var(--muted); border-radius: 8px; padding: 4px 10px;
  font-size: 12.5px; }
.msg { max-width: min(75%, 560px); padding: 6px 8px 4px; border-radius: 8px; background: var(--in);
  box-shadow: 0 1px 0.5px rgba(11, 20, 26, 0.13); overflow-wrap: anywhere; align-self: flex-start; }
.msg.out { background: var(--out); align-self: flex-end; }
.msg.deleted { opacity: 0.75; }
.sender { font-weight: 600; font-size: 13px; color: #1f7aad; }
.text { white-space: pre-wrap; }
.note { color: var(--muted); font-style: italic; font-size: 13px; }
.quote { margin: 2px 0 4px; padding: 4px 8px; border-left: 4px solid #06cf9c; border-radius: 4px;
  background: rgba(0, 0, 0, 0.05); font-size: 13px; }
.quote b { display: block; color: #06cf9c; }
.quote span { white-space: pre-wrap; }
.image img { display: block; max-width: min(100%, 400px); max-height: 400px; width: auto; height: auto;
  border-radius: 6px; }
video, audio { display: block; max-width: 100%; }
.file { display: inline-block; padding: 6px 8px; border-radius: 6px; background: rgba(0, 0, 0, 0.05); }
.file.missing small { color: var(--muted); }
footer { text-align: right; color: var(--muted); font-size: 11px; }
.versions { font-size: 12px; color: var(--muted); }
.versions ol { margin: 4px 0; padding-left: 20px; white-space: pre-wrap; }
.reactions { display: flex; gap: 4px; list-style: none; margin: 2px 0 0; padding: 0; }
.reactions li { background: var(--in); border-radius: 12px; padding: 0 6px; font-size: 13px;
  box-shadow: 0 1px 0.5px rgba(11, 20, 26, 0.13); }
.poll ul { list-style: none; padding: 0; margin: 4px 0; }
.poll li small { color: var(--muted); }
.index { max-width: 900px; margin: 0 auto; padding: 16px; }
.index li { margin: 6px 0; }
.index small { color: var(--muted); }
"""
