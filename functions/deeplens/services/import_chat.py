"""Import a WhatsApp chat export (`Export chat`: .txt, or .zip with media) through the same
pipeline as the connector: media into the media bucket, envelope v1 batches (`source: "import"`)
into the event log, pointers into the ingest queue; ingest applies them.

The whole file is read, parsed, matched against the archive and turned into validated events
before anything is written; then media, then every batch object, then every pointer. A failure
before the writes leaves nothing behind; one during them is finished by running the import again
(every id is derived from the file, so a re-run writes the same objects) or by reconcile, which
enqueues any batch object of the log that was never applied.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol
from zoneinfo import ZoneInfo

from psycopg_pool import ConnectionPool

from deeplens.adapters import import_queries
from deeplens.adapters.archive_queries import resolve_jid
from deeplens.adapters.postgres import pooled
from deeplens.domain.batch import batch_key, encode_batch, encode_pointer, pointer_for
from deeplens.domain.chat_export.archive import ExportSource, open_export
from deeplens.domain.chat_export.dates import DateOrder
from deeplens.domain.chat_export.dedup import ImportCandidate, Matches, match_archive
from deeplens.domain.chat_export.identity import Identities, Sender, resolve_senders
from deeplens.domain.chat_export.parse import ParsedExport, parse_export
from deeplens.domain.chat_export.plan import (
    MediaFile,
    PlannedMessage,
    Target,
    events_for,
    mime_of,
    plan_messages,
)
from deeplens.domain.chat_export.text import decode_export
from deeplens.domain.envelope import Event
from deeplens.domain.errors import InvalidExport, InvalidJid
from deeplens.domain.ids import canonical_jid, chat_kind_of, tracking_type_of

BATCH_EVENTS = 1000  # events per batch object (one ingest transaction each)
_MINUTE_MS = 60_000


class Bucket(Protocol):
    bucket: str

    def put(
        self, key: str, body: bytes, content_type: str, metadata: dict[str, str] | None = None
    ) -> str: ...
    def exists(self, key: str) -> bool: ...


class QueuePort(Protocol):
    def send(
        self, body: str, attributes: dict[str, str] | None = None, *, group: str | None = None
    ) -> str: ...


@dataclass(frozen=True)
class ImportDeps:
    pool: ConnectionPool[Any]
    media: Bucket
    events: Bucket
    queue: QueuePort
    session: str


@dataclass(frozen=True)
class ImportRequest:
    chat_jid: str
    zone: ZoneInfo
    chat_name: str | None = None
    me_name: str | None = None
    me_jid: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    date_order: DateOrder | None = None
    encoding: str | None = None
    dry_run: bool = False


@dataclass
class ImportSummary:
    file: str
    chat_jid: str
    lines: int = 0
    messages: int = 0
    imported: int = 0
    already_imported: int = 0
    matched: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    media_stored: int = 0
    media_missing: int = 0
    senders: dict[str, Sender] = field(default_factory=dict)
    date_order: str = ""
    batch_keys: list[str] = field(default_factory=list)
    published: bool = False


def import_export(
    handle: BinaryIO, name: str, size: int, request: ImportRequest, deps: ImportDeps, *,
    now_ms: Callable[[], int], on_publish: Callable[[], None] | None = None,
) -> ImportSummary:  # fmt: skip
    """Import one export file (see the module's docstring); InvalidExport names what is wrong.
    `on_publish` is called once the file is read whole and valid, before the first write."""
    chat = _canonical_chat(request.chat_jid)
    with open_export(handle, name, size) as source:
        parsed = parse_export(decode_export(source.text, source.text_entry or name, request.encoding),
                              source.text_entry or name, request.date_order)  # fmt: skip
        summary = ImportSummary(name, chat, parsed.lines, len(parsed.messages))
        summary.skipped.update(line.reason for line in parsed.skipped)
        summary.date_order = f"{parsed.order.order} ({parsed.order.reason})"
        with pooled(deps.pool) as conn:
            chat = resolve_jid(conn, deps.session, chat)
            summary.chat_jid = chat
            state = import_queries.chat_state(conn, deps.session, chat)
            if state.tracked is False:
                raise InvalidExport(
                    f"chat {chat} is not tracked, so ingest would keep none of its messages:"
                    " track it first (admin panel or PATCH /api/tracking)"
                )
            identities = _identities(conn, deps.session, chat, request)
        summary.senders = resolve_senders(parsed.senders, identities)
        target = Target(deps.session, chat, request.chat_name)
        planned = plan_messages(
            parsed.messages, summary.senders, target, request.zone, _media_files(source, parsed)
        )
        fresh = _fresh(planned, _matches(deps, chat, planned), summary)
        events = events_for(fresh, target, new_chat=not state.known)
        _count_media(fresh, summary)
        if request.dry_run or not events:
            return summary
        if on_publish is not None:
            on_publish()
        _track(deps, chat, state, request.chat_name)
        _upload_media(source, fresh, deps.media)
    summary.batch_keys = _publish(deps, events, _import_digest(name, chat, events), now_ms())
    summary.published = True
    return summary


def _canonical_chat(raw: str) -> str:
    try:
        return canonical_jid(raw)
    except InvalidJid as error:
        raise InvalidExport(f"--chat: {error}") from None


def _identities(conn: Any, session: str, chat: str, request: ImportRequest) -> Identities:
    me_jid = _canonical_chat(request.me_jid) if request.me_jid else import_queries.account_jid(conn, session)
    names = import_queries.known_names(conn, session, chat)
    return Identities(chat, request.me_name, me_jid, request.mapping, names)


def _media_files(source: ExportSource, parsed: ParsedExport) -> dict[str, MediaFile]:
    """The attachments the messages name that the zip holds, each read whole once (validated)."""
    names = {m.body.attachment for m in parsed.messages if m.body.attachment}
    found = {name: source.media_file(name) for name in sorted(names)}
    return {name: media for name, media in found.items() if media is not None}


def _matches(deps: ImportDeps, chat: str, planned: Sequence[PlannedMessage]) -> Matches:
    if not planned:
        return Matches(frozenset(), {})
    first = min(p.timestamp_ms for p in planned) - _MINUTE_MS
    last = max(p.timestamp_ms for p in planned) + _MINUTE_MS
    with pooled(deps.pool) as conn:
        archived = import_queries.archived_messages(conn, deps.session, chat, first, last)
    return match_archive((_candidate(p) for p in planned), archived)


def _candidate(planned: PlannedMessage) -> ImportCandidate:
    body = planned.message.body
    return ImportCandidate(
        message_id=planned.message_id,
        sender_jid=planned.sender.jid,
        from_me=planned.sender.from_me,
        sender_name=planned.message.sender,
        timestamp_ms=planned.timestamp_ms,
        text=body.text,
        has_media=body.kind in ("attachment", "media_omitted"),
    )


def _fresh(planned: list[PlannedMessage], matches: Matches, summary: ImportSummary) -> list[PlannedMessage]:
    fresh = [
        p
        for p in planned
        if p.message_id not in matches.already_imported and p.message_id not in matches.matched
    ]
    summary.already_imported = len(matches.already_imported)
    summary.matched = len(matches.matched)
    summary.imported = len(fresh)
    return fresh


def _count_media(fresh: list[PlannedMessage], summary: ImportSummary) -> None:
    attachments = [p for p in fresh if p.message.body.kind == "attachment"]
    summary.media_stored = sum(1 for p in attachments if p.media_key)
    summary.media_missing = len(attachments) - summary.media_stored


def _track(deps: ImportDeps, chat: str, state: import_queries.ChatState, name: str | None) -> None:
    if state.tracked is None:
        with pooled(deps.pool) as conn:
            import_queries.track_chat(conn, deps.session, chat, tracking_type_of(chat_kind_of(chat)), name)


def _upload_media(source: ExportSource, fresh: list[PlannedMessage], media: Bucket) -> None:
    for planned in fresh:
        found, key, name = planned.media_file, planned.media_key, planned.message.body.attachment
        if found is None or key is None or name is None or media.exists(key):
            continue
        media.put(key, source.media_bytes(found), mime_of(name), {"sha256": found.sha256})


def _import_digest(name: str, chat: str, events: Sequence[Event]) -> str:
    digest = hashlib.sha256(f"{chat}\x1f{name}".encode())
    for event in events:
        digest.update(event.event_id.encode())
    return digest.hexdigest()[:12]


def _publish(deps: ImportDeps, events: list[Event], digest: str, at_ms: int) -> list[str]:
    """Every batch object first, then every pointer: ingest sees none before all are in the log."""
    chunks = [events[start : start + BATCH_EVENTS] for start in range(0, len(events), BATCH_EVENTS)]
    keys = []
    for number, chunk in enumerate(chunks):
        key = batch_key(deps.session, f"{at_ms:013d}-import-{digest}-{number:05d}", at_ms)
        deps.events.put(key, encode_batch(chunk), "application/gzip", {"events": str(len(chunk))})
        keys.append(key)
    for key, chunk in zip(keys, chunks, strict=True):
        deps.queue.send(
            encode_pointer(pointer_for(deps.events.bucket, key, deps.session, chunk)), group=deps.session
        )
    return keys


def applied_batches(pool: ConnectionPool[Any], session: str, keys: Sequence[str]) -> int:
    """How many of an import's batches ingest has applied (for a progress display)."""
    with pooled(pool) as conn:
        return import_queries.applied_count(conn, session, list(keys))
