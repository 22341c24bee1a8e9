"""Writes an ArchivePlan into PostgreSQL with bulk statements, inside the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from operator import attrgetter
from typing import Any

import psycopg
from psycopg import Connection

from deeplens.adapters import archive_sql as sql
from deeplens.domain.archive_plan import ArchiveContext, TrackingPolicy
from deeplens.domain.archive_rows import ArchivePlan
from deeplens.domain.errors import PoisonRecord, TransientError

Conn = Connection[Any]

_RECOMPUTE = (
    # Keep the original text as a version once the message and an edit are both known, taken from
    # the best copy (live, then history, then import): a better copy arriving later replaces it, so
    # any arrival order gives the same row. Right after the messages upsert, a message whose copy
    # just won holds that copy's text and source; one that did not keeps its source, which the
    # original row already has, and is left alone. A row still showing its newest edit (rows
    # merged from a LID chat) offers nothing.
    """INSERT INTO message_versions AS x (session_id, chat_jid, message_id, edited_at, is_original,
           text_body, content, source)
       SELECT m.session_id, m.chat_jid, m.id, m."timestamp", true, m.text_body, m.content, m.source
       FROM messages m JOIN json_to_recordset(%(keys)s::json) AS t(chat_jid text, id text)
            ON m.chat_jid = t.chat_jid AND m.id = t.id
       WHERE m.session_id = %(session)s
         AND EXISTS (SELECT 1 FROM message_versions v WHERE v.session_id = m.session_id
                     AND v.chat_jid = m.chat_jid AND v.message_id = m.id AND NOT v.is_original)
         AND (m.edited_at IS NULL OR m.text_body IS DISTINCT FROM (
               SELECT v.text_body FROM message_versions v WHERE v.session_id = m.session_id
                  AND v.chat_jid = m.chat_jid AND v.message_id = m.id AND NOT v.is_original
                ORDER BY v.edited_at DESC LIMIT 1))  -- an edited text is never the original
       ON CONFLICT (session_id, chat_jid, message_id, edited_at, is_original) DO UPDATE
       SET text_body = EXCLUDED.text_body, content = EXCLUDED.content, source = EXCLUDED.source
       WHERE dl_source_rank(EXCLUDED.source) > dl_source_rank(x.source)""",
    # The newest edit is the message's text.
    """UPDATE messages m SET text_body = v.text_body, edited_at = v.edited_at, updated_at = now()
       FROM (SELECT DISTINCT ON (v.chat_jid, v.message_id) v.chat_jid, v.message_id, v.edited_at,
                    v.text_body
             FROM message_versions v
             JOIN json_to_recordset(%(keys)s::json) AS t(chat_jid text, id text)
               ON v.chat_jid = t.chat_jid AND v.message_id = t.id
             WHERE v.session_id = %(session)s AND NOT v.is_original
             ORDER BY v.chat_jid, v.message_id, v.edited_at DESC) v
       WHERE m.session_id = %(session)s AND m.chat_jid = v.chat_jid AND m.id = v.message_id
         AND (m.edited_at IS DISTINCT FROM v.edited_at OR m.text_body IS DISTINCT FROM v.text_body)""",
    # Receipts and revokes.
    """UPDATE messages m SET status = k.status, deleted_at = k.revoked_at, deleted_by = k.revoked_by,
              updated_at = now()
       FROM message_marks k JOIN json_to_recordset(%(keys)s::json) AS t(chat_jid text, id text)
            ON k.chat_jid = t.chat_jid AND k.message_id = t.id
       WHERE k.session_id = %(session)s AND m.session_id = k.session_id
         AND m.chat_jid = k.chat_jid AND m.id = k.message_id
         AND (m.status, m.deleted_at, m.deleted_by)
             IS DISTINCT FROM (k.status, k.revoked_at, k.revoked_by)""",
    # Where the media is in the bucket.
    """UPDATE messages m SET media_url = md.bucket_key, updated_at = now()
       FROM media md JOIN json_to_recordset(%(keys)s::json) AS t(chat_jid text, id text)
            ON md.chat_jid = t.chat_jid AND md.message_id = t.id
       WHERE md.session_id = %(session)s AND m.session_id = md.session_id
         AND m.chat_jid = md.chat_jid AND m.id = md.message_id AND m.file_id = md.file_id
         AND m.media_url IS DISTINCT FROM md.bucket_key""",
)


def load_context(
    conn: Conn, session: str, lids: Sequence[str], chats: Sequence[str], policy: TrackingPolicy
) -> ArchiveContext:
    aliases = conn.execute(
        "SELECT alias_jid, canonical_jid FROM jid_aliases WHERE session_id = %s AND alias_jid = ANY(%s)",
        (session, list(lids)),
    ).fetchall()
    alias_map = dict(aliases)
    canonical = sorted({alias_map.get(jid, jid) for jid in chats})
    tracked = conn.execute(
        "SELECT jid, is_tracked FROM tracking_config WHERE session_id = %s AND jid = ANY(%s)",
        (session, canonical),
    ).fetchall()
    return ArchiveContext(aliases=alias_map, tracked=dict(tracked), policy=policy)


def apply_plan(conn: Conn, session: str, plan: ArchivePlan) -> list[tuple[str, str]]:
    """Writes the plan; returns the message keys an identity merge moved (chat, id)."""
    moved: list[tuple[str, str]] = []
    if plan.aliases:
        _write(conn, sql.ALIASES, session, [(lid, pn) for lid, pn in sorted(plan.aliases.items())])
        for lid, pn in sorted(plan.aliases.items()):
            moved += _merge_identity(conn, session, lid, pn)
    _write(conn, sql.CHATS, session, _rows(plan.chats))
    _write(conn, sql.TRACKING, session, _rows(plan.tracking))
    named = [chat.jid for chat in plan.chats if chat.info_at > 0]  # names come from chat events only
    if named or moved:
        conn.execute(sql.SYNC_TRACKING_NAMES, {"session": session, "jids": named + [k[0] for k in moved]})
    _write(conn, sql.MESSAGES, session, (_json_at(row, 7) for row in _rows(plan.messages)))
    _write(conn, sql.MEDIA, session, _rows(plan.media))
    versions = (
        (r.chat_jid, r.message_id, r.edited_at, False, r.text_body, _json(r.content), None)
        for r in plan.versions
    )
    _write(conn, sql.VERSIONS, session, versions)
    _write(conn, sql.MARKS, session, _rows(plan.marks))
    _write(conn, sql.STATES, session, _rows(plan.states))
    _write(conn, sql.CHAT_STATES, session, _rows(plan.chat_states))
    _write(conn, sql.CALLS, session, _rows(plan.calls))
    _write(conn, sql.REACTIONS, session, _rows(plan.reactions))
    _write(conn, sql.POLL_VOTES, session, (_json_at(row, 3) for row in _rows(plan.poll_votes)))
    _write(conn, sql.CONTACTS, session, _rows(plan.contacts))
    _write(conn, sql.PARTICIPANTS, session, _rows(plan.participants))
    _write(conn, sql.CONNECTIONS, session, _rows(plan.connections))
    _write(conn, sql.PICTURES, session, _rows(plan.pictures))
    _recompute(conn, session, sorted(set(_touched(plan)) | set(moved)))
    return moved


def _write(conn: Conn, table: sql.Table, session: str, rows: Iterable[tuple[Any, ...]]) -> None:
    """COPY the rows into the table's stage, then one upsert: bulk, one pass, any batch size."""
    materialised = list(rows)
    if not materialised:
        return
    conn.execute(table.create_stage())
    with conn.cursor() as cursor, cursor.copy(table.copy_stage()) as copy:
        for row in materialised:
            copy.write_row(tuple(_text_safe(value) for value in row))
    conn.execute(table.insert_from_stage(), (session,))


def _rows(rows: Sequence[Any]) -> Iterable[tuple[Any, ...]]:
    """Field values of dataclass rows, shallow (dataclasses.astuple deep-copies every dict)."""
    if not rows:
        return ()
    getter = attrgetter(*(field.name for field in fields(rows[0])))
    return (getter(row) for row in rows)


def _json(value: Any) -> str | None:
    """JSON text, cast to jsonb by the statement (much cheaper than a Jsonb wrapper per row)."""
    if value is None:
        return None
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if "\\u0000" in text:  # rare: jsonb refuses NUL, so clean the values (not the JSON text)
        text = json.dumps(_without_nul(value), ensure_ascii=False, separators=(",", ":"))
    return text


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return _text_safe(value)
    if isinstance(value, dict):
        return {_text_safe(key): _without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


def _text_safe(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL: keep the message, mark the character (U+FFFD)."""
    return value.replace("\x00", "\ufffd") if isinstance(value, str) and "\x00" in value else value


def _json_at(row: tuple[Any, ...], index: int) -> tuple[Any, ...]:
    return (*row[:index], _json(row[index]), *row[index + 1 :])


def _merge_identity(conn: Conn, session: str, lid: str, pn: str) -> list[tuple[str, str]]:
    """Rows stored under a LID before its phone number was known move to the phone JID.

    Returns the message keys that moved (their derived fields are recomputed)."""
    params = {"session": session, "lid": lid, "pn": pn}
    moved = conn.execute(sql.MOVED_KEYS, params).fetchall()
    conn.execute(sql.COPY_CHAT, params)
    for table, column in sql.REKEYED:
        conn.execute(table.rekey(column), params)
    for statement in sql.RENAMED:
        conn.execute(statement, params)
    conn.execute(sql.DROP_CHAT, params)
    return [(str(chat), str(message)) for chat, message in moved]


def _touched(plan: ArchivePlan) -> list[tuple[str, str]]:
    keys = {(r.chat_jid, r.id) for r in plan.messages}
    keys |= {(r.chat_jid, r.message_id) for r in plan.versions}
    keys |= {(r.chat_jid, r.message_id) for r in plan.marks}
    keys |= {(r.chat_jid, r.message_id) for r in plan.media}
    return sorted(keys)


def _recompute(conn: Conn, session: str, keys: list[tuple[str, str]]) -> None:
    """The derived fields of the touched messages, in one round trip. The keys go as one JSON text
    (dumped in C; a text[] parameter is dumped element by element in Python, ~3 us each)."""
    if not keys:
        return
    touched = [{"chat_jid": _text_safe(chat), "id": _text_safe(id_)} for chat, id_ in keys]  # as stored
    params = {"session": session, "keys": json.dumps(touched, ensure_ascii=False)}
    with conn.pipeline():
        for statement in _RECOMPUTE:
            conn.execute(statement, params)


def batch_applied(conn: Conn, session: str, batch_key: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM applied_batches WHERE session_id = %s AND batch_key = %s", (session, batch_key)
    ).fetchone()
    return row is not None


def record_batch(conn: Conn, session: str, batch_key: str, event_count: int) -> None:
    conn.execute(
        "INSERT INTO applied_batches (session_id, batch_key, event_count) VALUES (%s, %s, %s)"
        " ON CONFLICT DO NOTHING",
        (session, batch_key, event_count),
    )


def applied_keys(conn: Conn, session: str, prefix: str) -> set[str]:
    rows = conn.execute(
        "SELECT batch_key FROM applied_batches WHERE session_id = %s AND batch_key LIKE %s",
        (session, prefix.replace("%", r"\%").replace("_", r"\_") + "%"),
    ).fetchall()
    return {row[0] for row in rows}


@contextmanager
def refusals(session: str, batch_key: str) -> Iterator[None]:
    """psycopg's errors as ingest's: the archive refusing a batch (bad data, a broken constraint or
    statement) is poison for its record; an unreachable database is transient."""
    try:
        yield
    except (psycopg.DataError, psycopg.IntegrityError, psycopg.ProgrammingError) as error:
        raise PoisonRecord(f"archive refused batch {batch_key}: {error}", session, batch_key) from error
    except (psycopg.OperationalError, psycopg.InterfaceError) as error:
        raise TransientError(f"database unavailable: {error}") from error


def record_rejection(
    conn: Conn,
    key: str,
    message_id: str,
    *,
    session: str | None,
    batch_key: str | None,
    reason: str,
    receives: int,
) -> None:
    """One `ingest_rejections` row per key; a redrive updates it."""
    conn.execute(
        "INSERT INTO ingest_rejections AS x"
        " (rejection_key, sqs_message_id, session_id, batch_key, reason, receives)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (rejection_key)"
        " DO UPDATE SET reason = EXCLUDED.reason, sqs_message_id = EXCLUDED.sqs_message_id,"
        " receives = GREATEST(x.receives, EXCLUDED.receives), last_at = now()",
        (key, message_id, session, batch_key, reason, receives),
    )
