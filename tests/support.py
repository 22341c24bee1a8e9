"""Helpers shared by tests (not fixtures)."""

from __future__ import annotations

from typing import Any

from deeplens.settings import load_settings


def settings_from(cls: type[Any], env: dict[str, str], **overrides: Any) -> Any:
    """Build a settings object from a stack env dict (as the process environment would)."""
    fields = {key.lower(): value for key, value in env.items() if key.lower() in cls.model_fields}
    return load_settings(cls, **{**fields, **overrides})


ARCHIVE_TABLES = (
    "chats", "tracking_config", "messages", "message_versions", "message_marks", "reactions",
    "poll_votes", "contacts", "jid_aliases", "group_participants", "media", "connection_events",
)  # fmt: skip
_VOLATILE = {"created_at", "updated_at", "applied_at", "search_vector"}


def canonical_dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every archive row (bookkeeping timestamps left out), in a stable order."""
    import psycopg

    dump = {}
    with psycopg.connect(url) as conn:
        for table in ARCHIVE_TABLES:
            columns = [
                row[0]
                for row in conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
                    " ORDER BY ordinal_position",
                    (table,),
                ).fetchall()
                if row[0] not in _VOLATILE
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            order = ", ".join(str(i + 1) for i in range(len(columns)))
            rows = conn.execute(f"SELECT {listed} FROM {table} ORDER BY {order}").fetchall()
            dump[table] = [tuple(row) for row in rows]
    return dump
