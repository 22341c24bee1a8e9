"""What an export shows of a chat and its messages: plain records built from archive rows.

A row is a mapping with the columns `adapters/export_queries.py` selects; nothing here knows SQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Literal

from deeplens.domain.polls import named_options, poll_options
from deeplens.domain.timeline import TIMELINE_TYPES, entry_sentence

MediaMode = Literal["include", "links", "none"]
MEDIA_MODES: tuple[MediaMode, ...] = ("include", "links", "none")


@dataclass(frozen=True)
class ExportChat:
    jid: str
    name: str | None
    kind: str

    @property
    def title(self) -> str:
        return self.name or self.jid.split("@", 1)[0]

    @property
    def is_group(self) -> bool:
        return self.kind in {"group", "community", "broadcast", "newsletter"}


@dataclass(frozen=True)
class Version:
    edited_at: int
    text: str | None
    is_original: bool


@dataclass(frozen=True)
class Quote:
    id: str
    sender_jid: str | None
    sender_name: str | None
    text: str | None
    type: str | None
    from_me: bool = False

    def sender_label(self, me: str = "You") -> str:
        if self.from_me:
            return me
        return self.sender_name or _number(self.sender_jid) or "Unknown"


@dataclass(frozen=True)
class Reaction:
    emoji: str
    reactor_jid: str
    reactor_name: str | None
    reacted_at: int


@dataclass(frozen=True)
class Vote:
    voter_jid: str
    voter_name: str | None
    options: tuple[str, ...]
    voted_at: int


@dataclass(frozen=True)
class Poll:
    question: str | None
    options: tuple[str, ...]
    votes: tuple[Vote, ...]


@dataclass(frozen=True)
class Media:
    """A message's file. `href` is where an export page finds it (a path inside the export, or a
    link to the archive), None when the export carries no file for it."""

    file_id: str
    mime: str | None
    file_name: str | None
    size: int | None
    status: str
    width: int | None = None
    height: int | None = None
    duration_s: int | None = None
    bucket_key: str | None = None
    href: str | None = None
    export_name: str | None = None  # the file's name next to the chat's text export, when included


@dataclass(frozen=True)
class ExportMessage:
    id: str
    timestamp: int
    sender_jid: str | None
    sender_name: str | None
    from_me: bool
    type: str
    text: str | None
    edited_at: int | None = None
    deleted_at: int | None = None
    versions: tuple[Version, ...] = ()
    quoted: Quote | None = None
    reactions: tuple[Reaction, ...] = ()
    poll: Poll | None = None
    media: Media | None = None

    def sender_label(self, me: str = "You") -> str:
        if self.from_me:
            return me
        return self.sender_name or _number(self.sender_jid) or "Unknown"


def _number(jid: str | None) -> str | None:
    return jid.split("@", 1)[0] if jid else None


def chat_from_row(row: Mapping[str, Any]) -> ExportChat:
    return ExportChat(jid=str(row["jid"]), name=row["name"], kind=str(row["kind"]))


def message_from_row(row: Mapping[str, Any]) -> ExportMessage:
    return ExportMessage(
        id=str(row["id"]),
        timestamp=int(row["timestamp"]),
        sender_jid=row["sender_jid"],
        sender_name=row["sender_name"],
        from_me=bool(row["from_me"]),
        type=str(row["message_type"]),
        text=_text(row),
        edited_at=row["edited_at"],
        deleted_at=row["deleted_at"],
        versions=tuple(_versions(row["versions"])),
        quoted=_quote(row),
        reactions=tuple(_reactions(row["reactions"])),
        poll=_poll(row),
        media=_media(row),
    )


def _text(row: Mapping[str, Any]) -> str | None:
    """A message's text; a timeline entry (group change, call) worded (domain/timeline.py)."""
    if row["message_type"] not in TIMELINE_TYPES:
        return row["text_body"]  # type: ignore[no-any-return]
    actor = row["sender_name"] or _number(row["sender_jid"]) or "Someone"
    return entry_sentence(row["content"], actor)


def _versions(items: Sequence[Mapping[str, Any]] | None) -> list[Version]:
    return [Version(int(v["edited_at"]), v["text_body"], bool(v["is_original"])) for v in items or ()]


def _quote(row: Mapping[str, Any]) -> Quote | None:
    if row["quoted_id"] is None:
        return None
    return Quote(
        id=str(row["quoted_id"]),
        sender_jid=row["quoted_sender_jid"],
        sender_name=row["quoted_sender_name"],
        text=row["quoted_text"],
        type=row["quoted_type"],
        from_me=bool(row["quoted_from_me"]),
    )


def _reactions(items: Sequence[Mapping[str, Any]] | None) -> list[Reaction]:
    return [
        Reaction(str(r["emoji"]), str(r["reactor_jid"]), r.get("reactor_name"), int(r["reacted_at"]))
        for r in items or ()
    ]


def _poll(row: Mapping[str, Any]) -> Poll | None:
    if row["message_type"] != "poll":
        return None
    content = row["content"]
    options = poll_options(content)
    votes = tuple(
        Vote(
            str(v["voter_jid"]),
            v.get("voter_name"),
            tuple(named_options(v["selected_options"] or [], options)),
            int(v["voted_at"]),
        )
        for v in row["poll_votes"] or ()
    )
    return Poll(poll_question(content), tuple(options), votes)


def poll_question(content: Mapping[str, Any] | None) -> str | None:
    """The question of a poll message's raw content (pollCreationMessage, V2, V3, ...)."""
    if not isinstance(content, Mapping):
        return None
    for key, value in content.items():
        if key.startswith("pollCreationMessage") and isinstance(value, Mapping):
            name = value.get("name")
            return name if isinstance(name, str) else None
    return None


def _media(row: Mapping[str, Any]) -> Media | None:
    if row["file_id"] is None:
        return None
    return Media(
        file_id=str(row["file_id"]),
        mime=row["media_mime"],
        file_name=row["media_file_name"],
        size=row["media_size"],
        status=str(row["media_status"]),
        width=row["media_width"],
        height=row["media_height"],
        duration_s=row["media_duration_s"],
        bucket_key=row["media_bucket_key"],
    )


def poll_tally(poll: Poll) -> list[tuple[str, list[Vote]]]:
    """Each option with the votes choosing it, in the poll's order (options only voted for last)."""
    names = list(poll.options)
    for vote in poll.votes:
        names.extend(option for option in vote.options if option not in names)
    return [(name, [vote for vote in poll.votes if name in vote.options]) for name in names]


def local_time(timestamp_ms: int, tz: tzinfo) -> datetime:
    """An epoch-ms timestamp as a wall-clock time in `tz` (exports show the reader's time)."""
    return datetime.fromtimestamp(timestamp_ms / 1000, tz)
