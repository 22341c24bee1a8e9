"""What the API's services need, built once per process by the composition root (bootstrap)."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

from cachetools import TTLCache
from psycopg_pool import ConnectionPool

from deeplens.adapters.object_store import ObjectInfo, ObjectStream
from deeplens.domain.errors import InvalidJid, InvalidRequest
from deeplens.domain.ids import canonical_jid
from deeplens.settings import ApiSettings


class MediaStore(Protocol):
    """The media bucket (ObjectStore, or a wrapper of it in tests)."""

    def presign_get(
        self,
        key: str,
        expires_s: int = 3600,
        *,
        content_type: str | None = None,
        disposition: str | None = None,
    ) -> str: ...

    def head(self, key: str) -> ObjectInfo: ...

    def open(self, key: str, byte_range: str | None = None) -> ObjectStream: ...

    def exists(self, key: str) -> bool: ...


class KeyValueCache(Protocol):
    """Redis, as adapters.cache.Cache offers it."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str, ttl_s: int | None = None) -> None: ...

    def delete(self, key: str) -> None: ...

    def push(self, key: str, value: str, ttl_s: int, keep: int) -> None: ...

    def hit_counter(self, key: str, window_s: int) -> tuple[int, int]: ...

    def ping(self) -> None: ...


class RecentCredentials:
    """Credentials this process verified within the last `ttl_s` seconds, by secret hash: a burst
    of requests (a chat's images) checks PostgreSQL once. A logout or revocation in this process
    forgets its entries at once; in another process (a second Lambda instance) it takes effect
    within `ttl_s`. Thread-safe (FastAPI's thread pool)."""

    def __init__(self, ttl_s: float = 1.0, max_entries: int = 1024) -> None:
        self._entries: TTLCache[bytes, tuple[uuid.UUID, str]] = TTLCache(max_entries, ttl_s)
        self._lock = threading.Lock()

    def get(self, secret_hash: bytes) -> tuple[uuid.UUID, str] | None:
        with self._lock:
            return self._entries.get(secret_hash)

    def put(self, secret_hash: bytes, credential: tuple[uuid.UUID, str]) -> None:
        with self._lock:
            self._entries[secret_hash] = credential

    def forget(self, credential_id: uuid.UUID) -> None:
        with self._lock:
            for key in [k for k, (cid, _) in self._entries.items() if cid == credential_id]:
                del self._entries[key]


@dataclass(frozen=True)
class ApiDeps:
    settings: ApiSettings
    pool: ConnectionPool[Any]
    cache: KeyValueCache
    media: MediaStore
    recent: RecentCredentials = field(default_factory=RecentCredentials)
    account: str | None = None  # the account a request is scoped to (entrypoints/http/deps.py)

    @property
    def session(self) -> str:
        """The account (session_id) this request reads and writes; SESSION_ID when unscoped."""
        return self.account or self.settings.session_id


def jid_param(raw: str, field: str) -> str:
    """A JID from a request, canonical; a malformed one is an InvalidRequest naming the field."""
    try:
        return canonical_jid(raw)
    except InvalidJid:
        raise InvalidRequest(f"not a WhatsApp JID: {raw[:80]!r}", field) from None
