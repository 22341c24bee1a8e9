"""Exporting chats into one zip: static HTML pages, JSON and WhatsApp-style text per chat, and the
chat's media files, written entry by entry as the rows stream in.

Memory stays flat in the number of messages: rows come through a server-side cursor, each format is
one pass over the chat (a zip can have one entry open for writing at a time), a page or a file is
written as it is rendered, and media are copied from the bucket in chunks. What grows is the zip's
own directory (one small record per entry: pages and media files, not messages)."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from typing import IO, Protocol
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deeplens.adapters import export_queries as export_db
from deeplens.adapters.export_store import ExportStore
from deeplens.adapters.object_store import ObjectStore
from deeplens.adapters.postgres import Conn
from deeplens.domain.errors import InvalidRequest, NotFound, ObjectNotFound
from deeplens.domain.export import html_render, json_render, txt_render
from deeplens.domain.export.html_render import ChatSummary, HtmlPage, PageInfo, Pager
from deeplens.domain.export.paths import PAGES_DIR, chat_dir, media_name, text_name
from deeplens.domain.export.records import (
    MEDIA_MODES,
    ExportChat,
    ExportMessage,
    MediaMode,
    chat_from_row,
    message_from_row,
)

FORMATS = ("html", "json", "txt")


@dataclass(frozen=True)
class ExportRequest:
    """What to export. `chats` None = every chat with messages; `since`/`until` epoch ms [since,
    until); `media_base_url` (links mode) is the archive's address, e.g. https://archive.example.org."""

    chats: tuple[str, ...] | None = None
    since: int | None = None
    until: int | None = None
    formats: tuple[str, ...] = FORMATS
    media: MediaMode = "include"
    time_zone: str = "UTC"
    media_base_url: str | None = None
    per_page: int = html_render.PER_PAGE
    title: str = "WhatsApp archive"

    @property
    def span(self) -> tuple[int | None, int | None]:
        return self.since, self.until

    def check(self) -> None:
        """InvalidRequest naming the first bad field."""
        if not self.formats or any(f not in FORMATS for f in self.formats):
            raise InvalidRequest(f"formats: choose from {', '.join(FORMATS)}", "formats")
        if self.media not in MEDIA_MODES:
            raise InvalidRequest(f"media: one of {', '.join(MEDIA_MODES)}", "media")
        if self.media == "links" and not (self.media_base_url or "").startswith(("http://", "https://")):
            raise InvalidRequest("media links need the archive's http(s) address", "media_base_url")
        if self.since is not None and self.until is not None and self.until <= self.since:
            raise InvalidRequest("until must be after since", "until")
        if self.per_page < 10:
            raise InvalidRequest("per_page: at least 10", "per_page")
        zone(self.time_zone)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidRequest(f"unknown time zone {name!r}", "time_zone") from None


def day_start_ms(day: date, time_zone: str) -> int:
    """Midnight of `day` in the time zone, as epoch ms (the start of a date range)."""
    return int(datetime.combine(day, day_time(), zone(time_zone)).timestamp() * 1000)


def day_end_ms(day: date, time_zone: str) -> int:
    """The end of `day` (exclusive): the next day's midnight."""
    return day_start_ms(day + timedelta(days=1), time_zone)


@dataclass
class ExportProgress:
    chats_total: int = 0
    chats_done: int = 0
    messages_total: int = 0
    messages_done: int = 0  # counted once per chat (the first pass), not per format
    files: int = 0
    missing_files: int = 0
    chat: str | None = None


Listener = Callable[[ExportProgress], None]


class ZipSink(Protocol):
    """Where the zip goes: a local file, or a stream into the bucket (ExportStore.stream), which
    cannot seek (zipfile then writes each entry's sizes after its data)."""

    def write(self, data: bytes, /) -> int: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class ExportDeps:
    database_url: str
    session: str
    media: ObjectStore
    exports: ExportStore | None = None
    presign_seconds: int = 3600


@dataclass
class _ChatRun:
    """One chat's export in progress: where it goes and which of its files did not make it."""

    chat: ExportChat
    folder: str
    missing: set[str] = field(default_factory=set)
    counted: bool = False


def write_export(
    deps: ExportDeps, request: ExportRequest, out: ZipSink, listener: Listener | None = None
) -> ExportProgress:
    """The whole export as a zip into `out` (a file, or any writable stream: zipfile handles an
    unseekable one). Returns the final progress (counts)."""
    request.check()
    tz = zone(request.time_zone)
    progress = ExportProgress()
    notify = listener or (lambda _: None)
    with export_db.export_connection(deps.database_url) as conn:
        chats = _chats(conn, deps.session, request)
        progress.chats_total = len(chats)
        totals = {
            c.jid: export_db.summary(conn, deps.session, c.jid, request.since, request.until) for c in chats
        }
        progress.messages_total = sum(int(row["count"]) for row in totals.values())
        notify(progress)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            writer = _Writer(archive, conn, _Job(deps, request, tz, progress, notify))
            summaries = [writer.chat(chat, totals[chat.jid]) for chat in chats]
            if "html" in request.formats:
                writer.text("style.css", html_render.STYLE_CSS)
                writer.text("index.html", html_render.export_index_html(request.title, summaries, tz))
    notify(progress)
    return progress


def _chats(conn: Conn, session: str, request: ExportRequest) -> list[ExportChat]:
    asked = list(request.chats) if request.chats is not None else None
    found = [chat_from_row(row) for row in export_db.chats(conn, session, asked)]
    if asked is not None and len(found) < len(asked):
        raise NotFound(f"{len(asked) - len(found)} of the chats asked for are not in the archive", "chats")
    return found


@dataclass(frozen=True)
class _Job:
    deps: ExportDeps
    request: ExportRequest
    tz: ZoneInfo
    progress: ExportProgress
    notify: Listener


class _Writer:
    """Writes the entries of one export into the open zip."""

    def __init__(self, archive: zipfile.ZipFile, conn: Conn, job: _Job) -> None:
        self.archive, self.conn = archive, conn
        self.deps, self.request, self.tz = job.deps, job.request, job.tz
        self.progress, self.notify = job.progress, job.notify
        now = datetime.now(UTC)
        self.stamp = (now.year, now.month, now.day, now.hour, now.minute, now.second)

    def chat(self, chat: ExportChat, totals: dict[str, object]) -> ChatSummary:
        run = _ChatRun(chat, chat_dir(chat.jid, chat.title))
        self.progress.chat = chat.title
        self.notify(self.progress)
        if self.request.media == "include":
            self._copy_media(run)
        if "html" in self.request.formats:
            self._html(run)
        if "json" in self.request.formats:
            self._json(run)
        if "txt" in self.request.formats:
            self._txt(run)
        self.progress.chats_done += 1
        self.notify(self.progress)
        first, last = totals["first_at"], totals["last_at"]
        return ChatSummary(
            chat,
            run.folder,
            int(str(totals["count"])),
            None if first is None else int(str(first)),
            None if last is None else int(str(last)),
        )

    # --- entries ---

    def _entry(self, name: str, *, stored: bool = False) -> IO[bytes]:
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.external_attr = 0o644 << 16
        info.compress_type = (
            zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        )  # media: compressed already
        return self.archive.open(info, "w", force_zip64=True)

    def _text_entry(self, name: str) -> io.TextIOWrapper:
        return io.TextIOWrapper(self._entry(name), encoding="utf-8", newline="")

    def text(self, name: str, content: str) -> None:
        with self._text_entry(name) as handle:
            handle.write(content)

    def _messages(self, run: _ChatRun) -> Iterator[ExportMessage]:
        """The chat's messages, each with where its file is (or none), counted on the first pass."""
        rows = export_db.messages(
            self.conn, self.deps.session, run.chat.jid, self.request.since, self.request.until
        )
        for row in rows:
            if not run.counted:
                self.progress.messages_done += 1
                if self.progress.messages_done % 5000 == 0:
                    self.notify(self.progress)
            yield self._placed(message_from_row(row), run)
        run.counted = True

    def _placed(self, message: ExportMessage, run: _ChatRun) -> ExportMessage:
        media = message.media
        if media is None:
            return message
        if media.status != "stored":
            return message
        if self.request.media == "links":
            base = (self.request.media_base_url or "").rstrip("/")
            link = f"{base}/api/media/{quote(media.file_id, safe='')}"
            return replace(message, media=replace(media, href=link))
        if self.request.media == "include" and media.bucket_key and media.file_id not in run.missing:
            name = media_name(media.file_id, media.mime, media.file_name)
            return replace(message, media=replace(media, href=f"../{name}", export_name=name))
        return message

    # --- media ---

    def _copy_media(self, run: _ChatRun) -> None:
        written: set[str] = set()
        rows = export_db.stored_media(
            self.conn, self.deps.session, run.chat.jid, self.request.since, self.request.until
        )
        for row in rows:
            name = media_name(str(row["file_id"]), row["mime"], row["file_name"])
            if name in written:
                continue
            if self._copy_file(str(row["bucket_key"]), f"{run.folder}/{name}"):
                written.add(name)
                self.progress.files += 1
            else:
                run.missing.add(str(row["file_id"]))
                self.progress.missing_files += 1

    def _copy_file(self, key: str, name: str) -> bool:
        """The object at `key` copied in chunks into entry `name`; False when the bucket lacks it."""
        try:
            stream = self.deps.media.open(key)
        except ObjectNotFound:
            return False
        try:
            with self._entry(name, stored=True) as entry:
                for chunk in stream.chunks():
                    entry.write(chunk)
        finally:
            stream.close()
        return True

    # --- formats ---

    def _html(self, run: _ChatRun) -> None:
        pager = Pager(self.tz, self.request.per_page)
        pages: list[PageInfo] = []
        sink: _PageSink | None = None
        for message in self._messages(run):
            name = pager.place(message)
            if name is not None:
                if sink is not None:
                    pages.append(sink.close(following=name))
                sink = _PageSink(self, run, name, pages[-1].name if pages else None)
            assert sink is not None
            sink.write(message)
        if sink:
            pages.append(sink.close(following=None))
        self.text(f"{run.folder}/index.html", html_render.chat_index_html(run.chat, pages, self.tz))

    def _json(self, run: _ChatRun) -> None:
        exported_at = int(time.time() * 1000)
        with self._text_entry(f"{run.folder}/chat.json") as handle:
            handle.write(json_render.prefix(run.chat, exported_at, self.request.time_zone))
            for index, message in enumerate(self._messages(run)):
                handle.write(json_render.message(message, first=index == 0))
            handle.write(json_render.suffix())

    def _txt(self, run: _ChatRun) -> None:
        with self._text_entry(f"{run.folder}/{text_name(run.chat.title)}") as handle:
            for message in self._messages(run):
                handle.write(txt_render.message_lines(message, self.tz))


class _PageSink:
    """One HTML page being written: its zip entry is open until `close`."""

    def __init__(self, writer: _Writer, run: _ChatRun, name: str, previous: str | None) -> None:
        self.page = HtmlPage(run.chat, writer.tz, name)
        self.previous = previous
        self.handle = writer._text_entry(f"{run.folder}/{PAGES_DIR}/{name}")
        self.handle.write(self.page.start(previous))
        self.first_at: int | None = None
        self.last_at = 0
        self.count = 0

    def write(self, message: ExportMessage) -> None:
        self.handle.write(self.page.message(message))
        self.first_at = message.timestamp if self.first_at is None else self.first_at
        self.last_at = message.timestamp
        self.count += 1

    def close(self, following: str | None) -> PageInfo:
        self.handle.write(self.page.end(self.previous, following))
        self.handle.close()
        return PageInfo(self.page.name, self.first_at or self.last_at, self.last_at, self.count)


# --- delivery -----------------------------------------------------------------------------------


def export_file_name(now: datetime | None = None) -> str:
    return f"deeplens-export-{(now or datetime.now(UTC)).strftime('%Y%m%d-%H%M%S')}.zip"


def upload_export(deps: ExportDeps, path: Path, export_id: str) -> tuple[str, str]:
    """The finished zip into the bucket under `exports/{session}/{id}.zip`; returns the key and a
    presigned link that downloads it under its file name."""
    if deps.exports is None:
        raise InvalidRequest("no bucket configured for exports", "upload")
    key = f"exports/{deps.session}/{export_id}.zip"
    deps.exports.upload(path, key)
    return key, deps.exports.presign(key, path.name, deps.presign_seconds)
