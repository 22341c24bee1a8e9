"""whatsmeow's chat settings (archived, pinned, muted until), read from the session store.

neonize 0.5.2 forwards no app-state event (translate/chat_state.py), but whatsmeow applies every
archive/pin/mute mutation to `whatsmeow_chat_settings` in the session store's PostgreSQL. Its
schema, as the bundled whatsmeow creates it (the CREATE TABLE in neonize-linux-amd64.so):
our_jid TEXT, chat_jid TEXT, muted_until BIGINT (epoch seconds; 0 not muted, -1 for ever),
pinned BOOLEAN, archived BOOLEAN, PRIMARY KEY (our_jid, chat_jid). `our_jid` is this device's JID
(with its device number), so the rows of one account are those of its user.
"""

from __future__ import annotations

from typing import Any

from deeplens.domain.ids import parse_jid
from psycopg_pool import ConnectionPool

from deeplens_connector.translate.chat_state import StoredChatSettings

_SQL = (
    "SELECT chat_jid, muted_until, pinned, archived FROM whatsmeow_chat_settings"
    " WHERE split_part(split_part(our_jid, '@', 1), ':', 1) = %(user)s"
    " AND split_part(our_jid, '@', 2) = %(server)s ORDER BY chat_jid"
)


class StoreChatSettings:
    """Reads the chat settings of one account (its own JID) from the session store."""

    def __init__(self, url: str) -> None:
        self._pool: ConnectionPool[Any] = ConnectionPool(
            url, min_size=0, max_size=1, timeout=5, kwargs={"connect_timeout": 5}, open=True,
            name="chat-settings",
        )  # fmt: skip

    def __call__(self, own_jid: str) -> list[StoredChatSettings]:
        own = parse_jid(own_jid)
        with self._pool.connection() as conn:
            rows = conn.execute(_SQL, {"user": own.user, "server": own.server}).fetchall()
        return [
            StoredChatSettings(str(jid), int(until), bool(pinned), bool(archived))
            for jid, until, pinned, archived in rows
        ]

    def close(self) -> None:
        self._pool.close()
