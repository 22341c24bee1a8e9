"""What the API's services need, built once per process by the composition root (bootstrap)."""

from __future__ import annotations

import threading
import time
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

    def delete_matching(self, pattern: str) -> int: ...

    def push(self, key: str, value: str, ttl_s: int, keep: int) -> None: ...

    def hit_counter(self, key: str, window_s: int) -> tuple[int, int]: ...

    def ping(self) -> None: ...


Credential = tuple[uuid.UUID, str, tuple[str, ...] | None]  # id, kind, accounts (None: all)


class RecentCredentials:
    """Credentials this process verified within the last `ttl_s` seconds, by secret hash: a burst
    of requests (a chat's images) checks PostgreSQL once. A logout or revocation in this process
    forgets its entries at once; in another process (a second Lambda instance) it takes effect
    within `ttl_s`. Thread-safe (FastAPI's thread pool)."""

    def __init__(self, ttl_s: float = 1.0, max_entries: int = 1024) -> None:
        self._entries: TTLCache[bytes, Credential] = TTLCache(max_entries, ttl_s)
        self._lock = threading.Lock()

    def get(self, secret_hash: bytes) -> Credential | None:
        with self._lock:
            return self._entries.get(secret_hash)

    def put(self, secret_hash: bytes, credential: Credential) -> None:
        with self._lock:
            self._entries[secret_hash] = credential

    def forget(self, credential_id: uuid.UUID) -> None:
        with self._lock:
            for key in [k for k, entry in self._entries.items() if entry[0] == credential_id]:
                del self._entries[key]


class AccountIds:
    """The installation's account ids as this process last read them, kept `ttl_s` seconds (every
    scoped request checks its account against them); `forget` after a change made here."""

    def __init__(self, ttl_s: float = 2.0) -> None:
        self._ttl_s = ttl_s
        self._lock = threading.Lock()
        self._ids: tuple[str, ...] | None = None
        self._at = 0.0

    def get(self) -> tuple[str, ...] | None:
        with self._lock:
            fresh = self._ids is not None and time.monotonic() - self._at < self._ttl_s
            return self._ids if fresh else None

    def put(self, ids: tuple[str, ...]) -> None:
        with self._lock:
            self._ids, self._at = ids, time.monotonic()

    def forget(self) -> None:
        with self._lock:
            self._ids = None


@dataclass(frozen=True)
class ApiDeps:
    settings: ApiSettings
    pool: ConnectionPool[Any]
    cache: KeyValueCache
    media: MediaStore
    recent: RecentCredentials = field(default_factory=RecentCredentials)
    accounts: AccountIds = field(default_factory=AccountIds)
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
