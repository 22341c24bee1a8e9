"""SQL fragments naming people and showing their faces, built from the domain's rules
(domain/names.py: whose name wins; domain/pictures.py: where a picture is), so every query that
shows a person names them alike."""

from __future__ import annotations

from deeplens.adapters.postgres import Conn, Row, fetch_one
from deeplens.domain.names import NAME_ORDER


def contact_name(contacts: str, *fallbacks: str) -> str:
    """`coalesce(ct.full_name, ct.push_name, ct.business_name, <fallbacks>)` for the alias
    `contacts` of a joined `contacts` row."""
    return "coalesce(" + ", ".join([*(f"{contacts}.{column}" for column in NAME_ORDER), *fallbacks]) + ")"


def chat_title(chats: str, contacts: str, *fallbacks: str, kind: str | None = None) -> str:
    """The title of the chat `chats` with its person's `contacts` row joined (domain/names.chat_title):
    a direct chat's contact names first, then the chat's own name and `fallbacks`; any other chat's
    own name and `fallbacks` first. `kind`: the SQL of the chat's kind (default `chats`.kind)."""
    own = [f"{chats}.name", *fallbacks]
    names = [f"{contacts}.{column}" for column in NAME_ORDER]
    direct = "coalesce(" + ", ".join([*names, *own]) + ")"
    other = "coalesce(" + ", ".join([*own, *names]) + ")"
    return f"CASE WHEN {kind or chats + '.kind'} = 'direct' THEN {direct} ELSE {other} END"


def picture_join(alias: str, jid_column: str, session_column: str) -> str:
    """LEFT JOIN of the current profile picture of the JID in `jid_column` (its picture_id, NULL:
    none known)."""
    return (
        f" LEFT JOIN profile_pictures {alias} ON {alias}.session_id = {session_column}"
        f" AND {alias}.jid = {jid_column}"
    )


def current_picture(conn: Conn, session: str, jid: str) -> Row | None:
    """The stored picture of `jid` (picture_id, bucket_key), or None when there is none."""
    return fetch_one(
        conn,
        "SELECT picture_id, bucket_key FROM profile_pictures"
        " WHERE session_id = %(session)s AND jid = %(jid)s AND bucket_key IS NOT NULL",
        {"session": session, "jid": jid},
    )
