"""Live updates: what changed in the archive after a client's revision (GET /api/changes).

The "nothing changed" answer costs one primary-key look-up (the session's revision); otherwise the
change log names the chats and message ids of the revisions after the client's, and the answer
carries those chats' list entries and, for the chat the client has open, the messages themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deeplens.adapters import archive_queries as chats_db
from deeplens.adapters import change_log, change_queries
from deeplens.adapters.postgres import Conn, pooled
from deeplens.domain.changes import is_reset_needed, merged
from deeplens.domain.errors import InvalidRequest
from deeplens.services.api import ApiDeps, jid_param
from deeplens.services.views import chat_view, message_view

MAX_CHATS = 200  # chats in one answer; more changed: reload
MAX_MESSAGES = 200  # messages of the open chat in one answer; more: reload that chat's newest page
_MAX_REVISION_DIGITS = 18  # below 2**63

Page = dict[str, Any]


@dataclass(frozen=True)
class ChangesRequest:
    since: int | None  # None: the client has nothing yet (the answer is the current revision)
    chat: str | None  # canonical JID of the chat the client has open


def parse_request(since: str | None, chat: str | None) -> ChangesRequest:
    """The query as typed values; a malformed one is an InvalidRequest naming it."""
    return ChangesRequest(_revision_param(since), jid_param(chat, "chat") if chat is not None else None)


def _revision_param(raw: str | None) -> int | None:
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= _MAX_REVISION_DIGITS):
        raise InvalidRequest("since must be a revision number from an earlier answer", "since")
    return int(raw)


def current_revision(deps: ApiDeps) -> change_log.Revision:
    with pooled(deps.pool) as conn:
        return change_log.revision(conn, deps.session)


def etag(request: ChangesRequest, revision: int) -> str:
    """The answer to (since, revision) is fixed: nothing can change it but a newer revision."""
    since = revision if request.since is None else request.since
    return f'"{since}-{revision}"'


def changes_since(deps: ApiDeps, request: ChangesRequest, revision: change_log.Revision) -> Page:
    """Chats changed after `request.since` up to `revision` (read just before, so the answer
    matches its ETag), with their list entries and the open chat's changed messages."""
    answer: Page = {"revision": revision.current, "reset": False, "chats": [], "messages": []}
    if request.since is None or request.since == revision.current:
        return answer
    if is_reset_needed(request.since, revision.current, revision.kept_from):
        return {**answer, "reset": True}
    with pooled(deps.pool) as conn:
        found = change_log.entries(conn, deps.session, request.since, revision.current, max_chats=MAX_CHATS)
        if found is None:
            return {**answer, "reset": True}
        changed = merged(found, MAX_MESSAGES)
        open_chat = chats_db.resolve_jid(conn, deps.session, request.chat) if request.chat else None
        return {
            **answer,
            "chats": _changed_chats(conn, deps.session, changed),
            "messages": _open_chat_messages(conn, deps.session, open_chat, changed),
        }


def _changed_chats(conn: Conn, session: str, changed: dict[str, list[str] | None]) -> list[Page]:
    rows = {row["jid"]: row for row in chats_db.chats_by_jid(conn, session, sorted(changed))}
    return [
        {
            "jid": jid,
            "chat": chat_view(rows[jid]) if jid in rows else None,
            "message_ids": ids,
        }
        for jid, ids in sorted(changed.items())
    ]


def _open_chat_messages(
    conn: Conn, session: str, chat: str | None, changed: dict[str, list[str] | None]
) -> list[Page]:
    ids = changed.get(chat) if chat else None
    if not chat or not ids:
        return []
    return [message_view(row) for row in change_queries.messages_by_id(conn, session, chat, ids)]


def etag_matches(if_none_match: str | None, tag: str) -> bool:
    """If-None-Match names this entity tag (weak or strong, one of a list, or `*`)."""
    if not if_none_match:
        return False
    candidates = {part.strip().removeprefix("W/") for part in if_none_match.split(",")}
    return tag in candidates or "*" in candidates
