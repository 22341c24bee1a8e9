"""Which chats, and which of their messages, one applied batch touched: the change log behind
live updates (GET /api/changes). One entry per chat, never one per message: a chat whose messages
are too many to list (a history chunk) or whose rows moved (an identity merge) is marked to be
reloaded instead (`message_ids` None)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from deeplens.domain.archive_rows import ArchivePlan

MAX_IDS_PER_CHAT = 100  # more messages of one chat in one batch: reload the chat instead


@dataclass(frozen=True)
class ChatChange:
    chat_jid: str
    message_ids: tuple[str, ...] | None  # None: too many, or rows moved — reload the chat


def changed_chats(plan: ArchivePlan, moved: Iterable[tuple[str, str]] = ()) -> list[ChatChange]:
    """The chats a plan writes to, sorted by JID, each with the ids of its messages written.

    `moved`: message keys re-keyed from a LID to its phone JID while the plan was applied."""
    touched: dict[str, set[str]] = {}
    for jid in _chat_jids(plan):
        touched.setdefault(jid, set())
    for chat_jid, message_id in _message_keys(plan):
        touched.setdefault(chat_jid, set()).add(message_id)
    reload = {chat_jid for chat_jid, _ in moved}
    for jid in reload:
        touched.setdefault(jid, set())
    return [_change(jid, ids, jid in reload) for jid, ids in sorted(touched.items())]


def merged(changes: Iterable[tuple[str, Sequence[str] | None]], limit: int) -> dict[str, list[str] | None]:
    """Several revisions' entries folded per chat: the union of their ids (sorted), or None when one
    of them said "reload" or the union passes `limit`."""
    folded: dict[str, set[str] | None] = {}
    for chat_jid, ids in changes:
        known = folded.get(chat_jid, set())
        folded[chat_jid] = None if ids is None or known is None else known | set(ids)
    return {jid: _bounded(ids, limit) for jid, ids in folded.items()}


def _bounded(ids: set[str] | None, limit: int) -> list[str] | None:
    return None if ids is None or len(ids) > limit else sorted(ids)


def _change(jid: str, ids: set[str], reload: bool) -> ChatChange:
    if reload or len(ids) > MAX_IDS_PER_CHAT:
        return ChatChange(jid, None)
    return ChatChange(jid, tuple(sorted(ids)))


def _chat_jids(plan: ArchivePlan) -> Iterable[str]:
    yield from (row.jid for row in plan.chats)
    yield from (row.chat_jid for row in plan.calls)
    yield from (row.jid for row in plan.tracking)
    yield from (row.jid for row in plan.pictures)  # a chat's (or direct contact's) picture changed
    yield from plan.aliases  # a LID's chat merged into its phone JID's: no longer listed


def _message_keys(plan: ArchivePlan) -> Iterable[tuple[str, str]]:
    yield from ((row.chat_jid, row.id) for row in plan.messages)
    for rows in (plan.versions, plan.marks, plan.states, plan.reactions, plan.poll_votes, plan.media):
        yield from ((row.chat_jid, row.message_id) for row in rows)


def is_reset_needed(since: int, current: int, kept_from: int) -> bool:
    """A cursor newer than the archive (another archive, a rebuilt database) or older than the
    kept log cannot be answered with changes: the client reloads."""
    return since > current or since + 1 < kept_from
