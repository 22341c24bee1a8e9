"""SQL of the archive: one upsert rule per table, used both to write a batch and to re-key rows
when a LID turns out to be a known phone number. Every rule is commutative on purpose: applying
the same rows in any order, any number of times, gives the same table."""

from __future__ import annotations

from dataclasses import dataclass

from deeplens.domain.archive_plan import CHAT_GAPS, MESSAGE_GAPS

# `newer` is true when the incoming row's info timestamp is at least the stored one.
_CHAT_NEWER = "(EXCLUDED.info_at > 0 AND EXCLUDED.info_at >= x.info_at)"
_MSG_BETTER = "(dl_source_rank(EXCLUDED.source) > dl_source_rank(x.source))"
_MEDIA_BETTER = "(dl_media_rank(EXCLUDED.status) > dl_media_rank(x.status))"
_CONTACT_NEWER = "(EXCLUDED.info_at >= x.info_at)"


def _prefer(column: str, condition: str) -> str:
    """The incoming value leads when `condition`, else it only fills a gap."""
    return (
        f"{column} = CASE WHEN {condition} THEN COALESCE(EXCLUDED.{column}, x.{column})"
        f" ELSE COALESCE(x.{column}, EXCLUDED.{column}) END"
    )


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]  # written columns, session_id excluded
    types: tuple[str, ...]  # PostgreSQL array element types for unnest()
    key: tuple[str, ...]  # primary key, session_id excluded
    on_conflict: str

    @property
    def stage(self) -> str:
        return f"stage_{self.name}"

    def create_stage(self) -> str:
        """A temporary table the batch's rows are COPYed into (emptied at commit)."""
        cols = ", ".join(f'"{c}" {kind}' for c, kind in zip(self.columns, self.types, strict=True))
        return f"CREATE TEMP TABLE IF NOT EXISTS {self.stage} ({cols}) ON COMMIT DELETE ROWS"

    def copy_stage(self) -> str:
        return f"COPY {self.stage} ({', '.join(f'{chr(34)}{c}{chr(34)}' for c in self.columns)}) FROM STDIN"

    def insert_from_stage(self) -> str:
        """One set-based upsert of every staged row; parameter: the session."""
        cols = ", ".join(f'"{c}"' for c in self.columns)
        return (
            f"INSERT INTO {self.name} AS x (session_id, {cols})"
            f" SELECT %s, {cols} FROM {self.stage}"
            f" ON CONFLICT (session_id, {', '.join(self.key)}) {self.on_conflict}"
        )

    def rekey(self, column: str) -> str:
        """Move rows whose `column` is a LID to the phone JID, merging with the upsert rule.

        Parameters: session, lid, phone JID (in that order)."""
        selected = ", ".join(f'"{c}"' if c != column else "%(pn)s" for c in self.columns)
        cols = ", ".join(f'"{c}"' for c in self.columns)
        return (
            f"WITH moved AS (DELETE FROM {self.name} WHERE session_id = %(session)s"
            f" AND {column} = %(lid)s RETURNING *)"
            f" INSERT INTO {self.name} AS x (session_id, {cols})"
            f" SELECT session_id, {selected} FROM moved"
            f" ON CONFLICT (session_id, {', '.join(self.key)}) {self.on_conflict}"
        )


CHATS = Table(
    "chats",
    ("jid", "kind", "name", "parent_jid", "unread_count", "is_archived", "last_msg_timestamp", "info_at"),
    ("text", "text", "text", "text", "int", "bool", "bigint", "bigint"),
    ("jid",),
    "DO UPDATE SET "
    + ", ".join(
        [
            "last_msg_timestamp = GREATEST(x.last_msg_timestamp, EXCLUDED.last_msg_timestamp)",
            f"kind = CASE WHEN {_CHAT_NEWER} THEN EXCLUDED.kind ELSE x.kind END",
            *(_prefer(c, _CHAT_NEWER) for c in CHAT_GAPS),
            "info_at = GREATEST(x.info_at, EXCLUDED.info_at)",
            "updated_at = now()",
        ]
    )
    # Skip no-op updates (most message batches only confirm what the chat row already says).
    + " WHERE EXCLUDED.info_at > 0"
    " OR EXCLUDED.last_msg_timestamp > COALESCE(x.last_msg_timestamp, -1)"
    " OR (x.name IS NULL AND EXCLUDED.name IS NOT NULL)",
)

TRACKING = Table(
    "tracking_config",
    ("jid", "type", "name", "is_tracked"),
    ("text", "text", "text", "bool"),
    ("jid",),
    "DO NOTHING",  # the user's choice stays; the name is synced from chats (SYNC_TRACKING_NAMES)
)

MESSAGES = Table(
    "messages",
    (
        "chat_jid", "id", "sender_jid", "sender_alt_jid", "remote_jid", "from_me", "push_name",
        "content", "message_type", "text_body", "file_id", "quoted_id", "timestamp", "source",
        "flags", "forwarding_score", "ephemeral_timer_s",
    ),
    (
        "text", "text", "text", "text", "text", "bool", "text",
        "jsonb", "text", "text", "text", "text", "bigint", "text",
        "smallint", "smallint", "int",
    ),
    ("chat_jid", "id"),
    "DO UPDATE SET "
    + ", ".join(
        [
            *(_prefer(c, _MSG_BETTER) for c in MESSAGE_GAPS),
            "message_type = CASE WHEN x.message_type = 'unknown' THEN EXCLUDED.message_type"
            " WHEN EXCLUDED.message_type = 'unknown' THEN x.message_type"
            f" WHEN {_MSG_BETTER} THEN EXCLUDED.message_type ELSE x.message_type END",
            "from_me = x.from_me OR EXCLUDED.from_me",
            "flags = x.flags | EXCLUDED.flags",  # a later copy never erases a flag
            "forwarding_score = GREATEST(x.forwarding_score, EXCLUDED.forwarding_score)",
            '"timestamp" = LEAST(x."timestamp", EXCLUDED."timestamp")',
            f"source = CASE WHEN {_MSG_BETTER} THEN EXCLUDED.source ELSE x.source END",
            "updated_at = now()",
        ]
    ),
)  # fmt: skip

_MEDIA_FILLED = (
    "bucket_key", "mime", "size", "sha256", "width", "height", "duration_s", "file_name", "thumbnail",
)  # fmt: skip
MEDIA = Table(
    "media",
    ("file_id", "chat_jid", "message_id", *_MEDIA_FILLED, "status", "error"),
    (
        *("text", "text", "text", "text", "text", "bigint", "text", "int", "int", "int", "text"),
        *("bytea", "text", "text"),
    ),
    ("file_id",),
    "DO UPDATE SET "
    + ", ".join(
        [
            *(_prefer(c, _MEDIA_BETTER) for c in _MEDIA_FILLED),
            f"error = CASE WHEN {_MEDIA_BETTER} THEN EXCLUDED.error ELSE x.error END",
            f"status = CASE WHEN {_MEDIA_BETTER} THEN EXCLUDED.status ELSE x.status END",
            "updated_at = now()",
        ]
    ),
)

VERSIONS = Table(
    "message_versions",
    ("chat_jid", "message_id", "edited_at", "is_original", "text_body", "content", "source"),
    ("text", "text", "bigint", "bool", "text", "jsonb", "text"),
    ("chat_jid", "message_id", "edited_at", "is_original"),
    # Edits carry no source and are kept as first written; an original (merged from a LID chat)
    # gives way only to one taken from a better copy.
    "DO UPDATE SET text_body = EXCLUDED.text_body, content = EXCLUDED.content, source = EXCLUDED.source"
    " WHERE dl_source_rank(EXCLUDED.source) > dl_source_rank(x.source)",
)

MARKS = Table(
    "message_marks",
    ("chat_jid", "message_id", "status", "revoked_at", "revoked_by"),
    ("text", "text", "smallint", "bigint", "text"),
    ("chat_jid", "message_id"),
    "DO UPDATE SET status = GREATEST(x.status, EXCLUDED.status),"
    " revoked_by = CASE WHEN x.revoked_at IS NULL OR (EXCLUDED.revoked_at IS NOT NULL AND"
    " (EXCLUDED.revoked_at, COALESCE(EXCLUDED.revoked_by, '')) < (x.revoked_at, COALESCE(x.revoked_by, '')))"
    " THEN EXCLUDED.revoked_by ELSE x.revoked_by END,"
    " revoked_at = LEAST(x.revoked_at, EXCLUDED.revoked_at)",
)

STATES = Table(
    "message_states",
    ("chat_jid", "message_id", "state", "is_on", "changed_at", "actor_jid"),
    ("text", "text", "text", "bool", "bigint", "text"),
    ("chat_jid", "message_id", "state"),
    # pin/unpin, keep/undo, star/unstar: the newest change wins; at the same instant "on" wins
    "DO UPDATE SET is_on = EXCLUDED.is_on, changed_at = EXCLUDED.changed_at, actor_jid = EXCLUDED.actor_jid"
    " WHERE (EXCLUDED.changed_at, EXCLUDED.is_on) > (x.changed_at, x.is_on)",
)

CHAT_STATES = Table(
    "chat_states",
    ("chat_jid", "state", "is_on", "value", "changed_at"),
    ("text", "text", "bool", "bigint", "bigint"),
    ("chat_jid", "state"),
    # archived, pinned, muted, ...: the newest wins; at the same instant "on", then the larger value
    # (deeplens.domain.chat_state.state_order compares the same tuple)
    "DO UPDATE SET is_on = EXCLUDED.is_on, value = EXCLUDED.value, changed_at = EXCLUDED.changed_at"
    " WHERE (EXCLUDED.changed_at, EXCLUDED.is_on, COALESCE(EXCLUDED.value, -1))"
    " > (x.changed_at, x.is_on, COALESCE(x.value, -1))",
)

CALLS = Table(
    "calls",
    (
        "call_id", "chat_jid", "caller_jid", "from_me", "is_video", "is_group", "started_at", "accepted_at",
        "ended_at", "end_reason", "result", "duration_s",
    ),
    ("text", "text", "text", "bool", "bool", "bool", "bigint", "bigint", "bigint", "text", "text", "int"),
    ("call_id",),
    # Steps of one call in any order (archive_plan.merge_calls): earliest start/accept, latest end,
    # the larger of two values that disagree, any "yes"; a group call belongs to its group.
    "DO UPDATE SET "
    "chat_jid = CASE WHEN EXCLUDED.is_group <> x.is_group"
    " THEN CASE WHEN x.is_group THEN x.chat_jid ELSE EXCLUDED.chat_jid END"
    " ELSE GREATEST(x.chat_jid, EXCLUDED.chat_jid) END,"
    " caller_jid = GREATEST(x.caller_jid, EXCLUDED.caller_jid),"
    " from_me = x.from_me OR EXCLUDED.from_me,"
    " is_video = COALESCE(x.is_video OR EXCLUDED.is_video, x.is_video, EXCLUDED.is_video),"
    " is_group = x.is_group OR EXCLUDED.is_group,"
    " started_at = LEAST(x.started_at, EXCLUDED.started_at),"
    " accepted_at = LEAST(x.accepted_at, EXCLUDED.accepted_at),"
    " ended_at = GREATEST(x.ended_at, EXCLUDED.ended_at),"
    " end_reason = GREATEST(x.end_reason, EXCLUDED.end_reason),"
    " result = GREATEST(x.result, EXCLUDED.result),"
    " duration_s = GREATEST(x.duration_s, EXCLUDED.duration_s),"
    " updated_at = now()",
)  # fmt: skip

REACTIONS = Table(
    "reactions",
    ("chat_jid", "message_id", "reactor_jid", "emoji", "reacted_at"),
    ("text", "text", "text", "text", "bigint"),
    ("chat_jid", "message_id", "reactor_jid"),
    "DO UPDATE SET emoji = EXCLUDED.emoji, reacted_at = EXCLUDED.reacted_at"
    " WHERE (EXCLUDED.reacted_at, EXCLUDED.emoji) > (x.reacted_at, x.emoji)",
)

POLL_VOTES = Table(
    "poll_votes",
    ("chat_jid", "message_id", "voter_jid", "selected_options", "voted_at"),
    ("text", "text", "text", "jsonb", "bigint"),
    ("chat_jid", "message_id", "voter_jid"),
    "DO UPDATE SET selected_options = EXCLUDED.selected_options, voted_at = EXCLUDED.voted_at"
    " WHERE (EXCLUDED.voted_at, EXCLUDED.selected_options::text) > (x.voted_at, x.selected_options::text)",
)

CONTACTS = Table(
    "contacts",
    ("jid", "lid", "phone_jid", "push_name", "full_name", "business_name", "info_at"),
    ("text", "text", "text", "text", "text", "text", "bigint"),
    ("jid",),
    "DO UPDATE SET "
    + ", ".join(
        [
            *(
                _prefer(c, _CONTACT_NEWER)
                for c in ("lid", "phone_jid", "push_name", "full_name", "business_name")
            ),
            "info_at = GREATEST(x.info_at, EXCLUDED.info_at)",
            "updated_at = now()",
        ]
    ),
)

PARTICIPANTS = Table(
    "group_participants",
    ("group_jid", "participant_jid", "is_admin", "is_super_admin", "listed_at"),
    ("text", "text", "bool", "bool", "bigint"),
    ("group_jid", "participant_jid"),
    "DO UPDATE SET is_admin = EXCLUDED.is_admin, is_super_admin = EXCLUDED.is_super_admin,"
    " listed_at = EXCLUDED.listed_at, updated_at = now() WHERE EXCLUDED.listed_at >= x.listed_at",
)

CONNECTIONS = Table(
    "connection_events",
    ("event_id", "state", "detail", "occurred_at"),
    ("text", "text", "text", "bigint"),
    ("event_id",),
    "DO NOTHING",
)

PICTURES = Table(
    "profile_pictures",
    ("jid", "picture_id", "bucket_key", "author_jid", "changed_at"),
    ("text", "text", "text", "text", "bigint"),
    ("jid",),
    # the picture seen last wins (domain.pictures.picture_order): an older replay changes nothing
    "DO UPDATE SET picture_id = EXCLUDED.picture_id, bucket_key = EXCLUDED.bucket_key,"
    " author_jid = EXCLUDED.author_jid, changed_at = EXCLUDED.changed_at, updated_at = now()"
    " WHERE (EXCLUDED.changed_at, COALESCE(EXCLUDED.picture_id, ''))"
    " > (x.changed_at, COALESCE(x.picture_id, ''))",
)

ALIASES = Table(
    "jid_aliases",
    ("alias_jid", "canonical_jid"),
    ("text", "text"),
    ("alias_jid",),
    "DO UPDATE SET canonical_jid = EXCLUDED.canonical_jid",
)

# Tables whose rows move when a LID resolves to a phone JID: (table, column).
REKEYED = (
    (TRACKING, "jid"),
    (MESSAGES, "chat_jid"),
    (VERSIONS, "chat_jid"),
    (MARKS, "chat_jid"),
    (STATES, "chat_jid"),
    (CHAT_STATES, "chat_jid"),
    (CALLS, "chat_jid"),
    (REACTIONS, "chat_jid"),
    (REACTIONS, "reactor_jid"),
    (POLL_VOTES, "chat_jid"),
    (POLL_VOTES, "voter_jid"),
    (PARTICIPANTS, "participant_jid"),
    (CONTACTS, "jid"),
    (PICTURES, "jid"),
)
# Plain columns naming a person, rewritten in place.
RENAMED = (
    "UPDATE messages SET sender_jid = %(pn)s, sender_alt_jid = %(lid)s"
    " WHERE session_id = %(session)s AND sender_jid = %(lid)s",
    "UPDATE messages SET remote_jid = %(pn)s WHERE session_id = %(session)s AND remote_jid = %(lid)s",
    "UPDATE message_marks SET revoked_by = %(pn)s WHERE session_id = %(session)s AND revoked_by = %(lid)s",
    "UPDATE message_states SET actor_jid = %(pn)s WHERE session_id = %(session)s AND actor_jid = %(lid)s",
    "UPDATE calls SET caller_jid = %(pn)s WHERE session_id = %(session)s AND caller_jid = %(lid)s",
    "UPDATE media SET chat_jid = %(pn)s WHERE session_id = %(session)s AND chat_jid = %(lid)s",
    "UPDATE contacts SET lid = COALESCE(lid, %(lid)s), phone_jid = COALESCE(phone_jid, %(pn)s)"
    " WHERE session_id = %(session)s AND jid = %(pn)s",
)
COPY_CHAT = (
    "INSERT INTO chats AS x (session_id, jid, kind, name, parent_jid, unread_count, is_archived,"
    " last_msg_timestamp, info_at) SELECT session_id, %(pn)s, kind, name, parent_jid, unread_count,"
    " is_archived, last_msg_timestamp, info_at FROM chats"
    " WHERE session_id = %(session)s AND jid = %(lid)s"
    f" ON CONFLICT (session_id, jid) {CHATS.on_conflict}"
)
DROP_CHAT = "DELETE FROM chats WHERE session_id = %(session)s AND jid = %(lid)s"
MOVED_KEYS = (
    "SELECT %(pn)s::text, id FROM messages WHERE session_id = %(session)s AND chat_jid = %(lid)s"
    " UNION SELECT %(pn)s::text, message_id FROM message_versions"
    " WHERE session_id = %(session)s AND chat_jid = %(lid)s"
    " UNION SELECT %(pn)s::text, message_id FROM message_marks"
    " WHERE session_id = %(session)s AND chat_jid = %(lid)s"
)
# tracking_config.name mirrors the chat's current name (the admin panel lists it).
SYNC_TRACKING_NAMES = (
    "UPDATE tracking_config t SET name = c.name, updated_at = now() FROM chats c"
    " WHERE t.session_id = %(session)s AND c.session_id = t.session_id AND c.jid = t.jid"
    " AND t.jid = ANY(%(jids)s::text[]) AND t.name IS DISTINCT FROM c.name"
)
