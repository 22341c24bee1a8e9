"""What the API's services need, built once per process by the composition root (bootstrap)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from psycopg_pool import ConnectionPool

from deeplens.domain.errors import InvalidJid, InvalidRequest
from deeplens.domain.ids import canonical_jid
from deeplens.settings import ApiSettings


class MediaStore(Protocol):
    """The media bucket (ObjectStore, or a wrapper of it in tests)."""

    def presign_get(self, key: str, expires_s: int = 3600, download_name: str | None = None) -> str: ...

    def exists(self, key: str) -> bool: ...


class KeyValueCache(Protocol):
    """Redis, as adapters.cache.Cache offers it."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str, ttl_s: int | None = None) -> None: ...

    def delete(self, key: str) -> None: ...

    def hit_counter(self, key: str, window_s: int) -> tuple[int, int]: ...

    def ping(self) -> None: ...


@dataclass(frozen=True)
class ApiDeps:
    settings: ApiSettings
    pool: ConnectionPool[Any]
    cache: KeyValueCache
    media: MediaStore

    @property
    def session(self) -> str:
        return self.settings.session_id


def jid_param(raw: str, field: str) -> str:
    """A JID from a request, canonical; a malformed one is an InvalidRequest naming the field."""
    try:
        return canonical_jid(raw)
    except InvalidJid:
        raise InvalidRequest(f"not a WhatsApp JID: {raw[:80]!r}", field) from None
