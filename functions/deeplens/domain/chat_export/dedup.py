"""Lines already in the archive. A line whose stable id is archived was imported before; a line
matches a live or history copy when that copy is in the same chat, from the same sender, in the
same minute, with the same text (normalized whitespace; the caption for media, or both media
without caption). Each archived message matches at most one line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from deeplens.domain.chat_export.text import normalized

MINUTE_MS = 60_000


@dataclass(frozen=True)
class ArchivedMessage:
    message_id: str
    sender_jid: str | None
    sender_alt_jid: str | None
    from_me: bool
    push_name: str | None
    timestamp_ms: int
    text: str | None
    has_media: bool


@dataclass(frozen=True)
class ImportCandidate:
    message_id: str
    sender_jid: str
    from_me: bool
    sender_name: str
    timestamp_ms: int
    text: str | None
    has_media: bool


@dataclass(frozen=True)
class Matches:
    already_imported: frozenset[str]  # message ids of lines imported before
    matched: dict[str, str]  # line's message id -> archived copy's message id


def match_archive(candidates: Iterable[ImportCandidate], archived: Iterable[ArchivedMessage]) -> Matches:
    rows = list(archived)
    archived_ids = {row.message_id for row in rows}
    pool: dict[tuple[int, str, bool], list[ArchivedMessage]] = {}
    for row in rows:
        pool.setdefault(_key(row.timestamp_ms, row.text, row.has_media), []).append(row)
    already: set[str] = set()
    matched: dict[str, str] = {}
    for line in candidates:
        if line.message_id in archived_ids:
            already.add(line.message_id)
            continue
        copies = pool.get(_key(line.timestamp_ms, line.text, line.has_media), [])
        copy = next((row for row in copies if _same_sender(line, row)), None)
        if copy is not None:
            copies.remove(copy)
            matched[line.message_id] = copy.message_id
    return Matches(frozenset(already), matched)


def _key(timestamp_ms: int, text: str | None, has_media: bool) -> tuple[int, str, bool]:
    clean = normalized(text)
    return (timestamp_ms // MINUTE_MS, clean, has_media and not clean)


def _same_sender(line: ImportCandidate, row: ArchivedMessage) -> bool:
    if line.from_me or row.from_me:
        return line.from_me and row.from_me
    if line.sender_jid in (row.sender_jid, row.sender_alt_jid):
        return True
    return (
        bool(row.push_name)
        and normalized(row.push_name).casefold() == normalized(line.sender_name).casefold()
    )
