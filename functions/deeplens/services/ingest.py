"""Ingest one SQS record: load its batch (inline or from the events bucket), validate every
envelope, and apply the whole batch in one transaction. Invalid input is poison (the record goes
to the DLQ after its retries); an unreachable dependency is transient (the batch is retried)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from psycopg_pool import ConnectionPool

from deeplens.adapters import archive_repo, change_log
from deeplens.domain.archive_plan import TrackingPolicy, plan_archive
from deeplens.domain.batch import BatchPointer, decode_batch, decode_pointer, untracked_chat_of_key
from deeplens.domain.changes import changed_chats
from deeplens.domain.envelope import Event, parse_events
from deeplens.domain.errors import InvalidEnvelope, ObjectNotFound, PoisonRecord
from deeplens.domain.ids import has_lid_server
from deeplens.domain.retry import RetrySchedule


class EventLog(Protocol):
    def get(self, key: str) -> bytes: ...


class RecordDelays(Protocol):
    def hide(self, queue_arn: str, delays: list[tuple[str, int]]) -> None: ...


@dataclass(frozen=True)
class IngestDeps:
    pool: ConnectionPool[Any]
    events: EventLog
    policy: TrackingPolicy
    retry: RetrySchedule = field(default_factory=RetrySchedule)
    delays: RecordDelays | None = None  # None: failed records wait the queue's visibility timeout


@dataclass(frozen=True)
class IngestResult:
    batch_key: str
    events: int
    applied: bool  # False when the batch had been applied before (a redelivery), or is held


# What decoding hostile bytes may raise besides InvalidEnvelope; all of it is poison, never a crash
# of the invocation (RecursionError: JSON nested past the interpreter's limit).
_DECODE_FAILURES = (InvalidEnvelope, ValueError, TypeError, RecursionError, MemoryError)


def ingest_record(body: str, deps: IngestDeps) -> IngestResult:
    try:
        pointer = decode_pointer(body)
    except _DECODE_FAILURES as error:
        raise PoisonRecord(_reason(error, "pointer")) from error
    try:
        events = _validated(pointer, _raw_events(pointer, deps.events))
    except _DECODE_FAILURES as error:
        raise PoisonRecord(_reason(error, "batch"), pointer.session, pointer.key) from error
    except ObjectNotFound as error:
        raise PoisonRecord(f"batch object missing: {pointer.key}", pointer.session, pointer.key) from error
    return _apply(pointer, events, deps)


def record_rejection(pool: ConnectionPool[Any], message_id: str, error: PoisonRecord, receives: int) -> None:
    """Keep why a record was refused, next to the archive (the DLQ keeps only the body): one row per
    batch (a redrive updates it), or per SQS message when the record was not even a pointer."""
    key = error.batch_key or f"sqs:{message_id}"
    with pool.connection() as conn:
        archive_repo.record_rejection(
            conn,
            key,
            message_id,
            session=error.session,
            batch_key=error.batch_key,
            reason=str(error)[:4000],
            receives=receives,
        )


def _reason(error: BaseException, what: str) -> str:
    if isinstance(error, InvalidEnvelope):
        return str(error)
    if isinstance(error, RecursionError):
        return f"{what}: JSON nested too deeply"
    return f"{what}: cannot be decoded ({type(error).__name__}: {error})"[:1000]


def _raw_events(pointer: BatchPointer, log: EventLog) -> list[dict[str, Any]]:
    if pointer.events is not None:
        return pointer.events
    return decode_batch(log.get(pointer.key))


def _validated(pointer: BatchPointer, raw: list[dict[str, Any]]) -> list[Event]:
    events = parse_events(raw)
    for index, event in enumerate(events):
        if event.session != pointer.session:
            raise InvalidEnvelope(
                f"event #{index} belongs to session {event.session!r}, not {pointer.session!r}"
            )
    return events


def _apply(pointer: BatchPointer, events: list[Event], deps: IngestDeps) -> IngestResult:
    with (
        archive_repo.refusals(pointer.session, pointer.key),
        deps.pool.connection() as conn,
        conn.transaction(),
    ):
        if archive_repo.batch_applied(conn, pointer.session, pointer.key):
            return IngestResult(pointer.key, len(events), applied=False)
        held_chat = untracked_chat_of_key(pointer.key)
        if held_chat is not None:
            if not _chat_tracked(conn, pointer.session, held_chat, deps.policy):
                return IngestResult(pointer.key, 0, applied=False)  # not recorded: replayable later
            events = held_events(held_chat, events)
        lids, chats = jids_of(events)
        context = archive_repo.load_context(conn, pointer.session, lids, chats, deps.policy)
        plan = plan_archive(events, context)
        moved = archive_repo.apply_plan(conn, pointer.session, plan)
        archive_repo.record_batch(conn, pointer.session, pointer.key, len(events))
        change_log.record(conn, pointer.session, changed_chats(plan, moved))  # last: see change_log
    return IngestResult(pointer.key, len(events), applied=True)


def _chat_tracked(conn: Any, session: str, chat: str, policy: TrackingPolicy) -> bool:
    """A held (`untracked/`) batch applies only once someone tracked its chat: its row says so."""
    lids = [chat] if has_lid_server(chat) else []
    context = archive_repo.load_context(conn, session, lids, [chat], policy)
    return context.tracked.get(context.aliases.get(chat, chat)) is True


def held_events(chat: str, events: Sequence[Event]) -> list[Event]:
    """What a held batch may apply: its own chat's content; never a `chat` event (which could carry
    a tracking decision) nor another chat's event."""
    return [event for event in events if event.kind != "chat" and chat_jid_of(event) == chat]


def chat_jid_of(event: Any) -> str | None:
    values = vars(event)  # plain dict look-ups: pydantic's __getattr__ is slow for absent fields
    target = values.get("target")
    chat: str | None = values.get("chat_jid") or (target.chat_jid if target else values.get("jid"))
    return chat


_PERSON_FIELDS = (
    "sender_jid", "sender_alt_jid", "reactor_jid", "voter_jid", "revoked_by", "actor_jid", "caller_jid",
    "jid", "lid",
)  # fmt: skip


def _member_jid(member: Any) -> str:
    """A `chat` event's Participant, or a `group_change` event's JID."""
    return member if isinstance(member, str) else str(member.jid)


def jids_of(events: Sequence[Any]) -> tuple[list[str], list[str]]:
    """(every LID a batch names as chat or person, every chat JID) for the context look-up."""
    chats: set[str] = set()
    people: set[str] = set()
    for event in events:
        values = vars(event)  # plain dict look-ups: pydantic's __getattr__ is slow for absent fields
        chat = chat_jid_of(event)
        if chat:
            chats.add(chat)
        people.update(value for name in _PERSON_FIELDS if (value := values.get(name)))
        people.update(_member_jid(member) for member in values.get("participants") or ())
    lids = {jid for jid in chats | people if has_lid_server(jid)}
    return sorted(lids), sorted(chats | lids)
