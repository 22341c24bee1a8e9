"""Redis: the client factory (the API's and the connector's) and the few operations the API needs,
with driver errors translated.

When Redis fails, `Cache` stops asking it for `PAUSE_S` seconds and fails at once instead: a
Redis that does not answer would otherwise cost every request the connect timeout. What each use
does without Redis is decided by its caller (docs/decisions.md, 2026-12-06)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from deeplens.domain.errors import TransientError
from deeplens.settings import RedisSettings

T = TypeVar("T")


PAUSE_S = 10.0


def make_redis(settings: RedisSettings, *, quick: bool = True) -> redis.Redis[str]:
    return redis.Redis(**redis_kwargs(settings, quick=quick))


def redis_kwargs(settings: RedisSettings, *, quick: bool = True) -> dict[str, Any]:
    """The client's options: ElastiCache serverless (and in-transit encryption) needs TLS, with
    the server's certificate and host name verified; AUTH as a password or ACL user + password.

    `quick` (the API, whose requests must not wait for a cache): one quick retry and idle connections
    checked every 30 s. `quick=False` (the connector, a long-running process that would rather wait
    out a blip than drop a state update): redis-py's own retry policy (8.1: ten retries, jittered
    exponential backoff up to 1 s), no health check."""
    password = settings.redis_password
    kwargs: dict[str, Any] = {
        "host": settings.redis_host,
        "port": settings.redis_port,
        "db": settings.redis_db,
        "username": settings.redis_username or None,
        "password": password.get_secret_value() if password else None,
        "decode_responses": True,
        "socket_timeout": 2,
        "socket_connect_timeout": 2,
    }
    if quick:
        # One quick retry (an idle connection the server closed), not redis-py's default ten with
        # backoff up to a second each: a request must not wait that long for a cache.
        kwargs |= {"health_check_interval": 30, "retry": Retry(ExponentialBackoff(cap=0.2, base=0.05), 1)}
    if settings.redis_tls:
        kwargs |= {"ssl": True, "ssl_cert_reqs": "required", "ssl_check_hostname": True}
    return kwargs


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except redis.RedisError as error:
        raise TransientError(f"Redis unavailable: {type(error).__name__}") from error


class Cache:
    """Strings with a TTL, counters in a window; every failure is a TransientError."""

    def __init__(self, client: redis.Redis[str], clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._clock = clock
        self._paused_until = 0.0

    def _run(self, action: Callable[[], T]) -> T:
        if self._clock() < self._paused_until:
            raise TransientError("Redis unavailable (it failed less than 10 s ago)")
        try:
            with _translated():
                return action()
        except TransientError:
            self._paused_until = self._clock() + PAUSE_S
            raise

    def get(self, key: str) -> str | None:
        value = self._run(lambda: self._client.get(key))
        return None if value is None else str(value)

    def set(self, key: str, value: str, ttl_s: int | None = None) -> None:
        self._run(lambda: self._client.set(key, value, ex=ttl_s))

    def delete(self, key: str) -> None:
        self._run(lambda: self._client.delete(key))

    def delete_matching(self, pattern: str) -> int:
        """Delete every key matching the glob `pattern` (SCAN, never KEYS: the server stays
        responsive); how many were deleted."""

        def sweep() -> int:
            keys = list(self._client.scan_iter(match=pattern, count=500))
            return int(self._client.delete(*keys)) if keys else 0

        return self._run(sweep)

    def push(self, key: str, value: str, ttl_s: int, keep: int) -> None:
        """Append to a list that keeps its newest `keep` entries and expires `ttl_s` after the last push."""

        def append() -> None:
            pipe = self._client.pipeline()
            pipe.rpush(key, value)
            pipe.ltrim(key, -keep, -1)
            pipe.expire(key, ttl_s)
            pipe.execute()

        self._run(append)

    def ttl(self, key: str) -> int:
        return int(self._run(lambda: self._client.ttl(key)))

    def hit_counter(self, key: str, window_s: int) -> tuple[int, int]:
        """Count one hit in a fixed window; returns (hits so far, seconds until the window ends)."""

        def count() -> tuple[int, int]:
            pipe = self._client.pipeline()
            pipe.incr(key)
            pipe.expire(key, window_s, nx=True)
            pipe.ttl(key)
            hits, _, left = pipe.execute()
            return int(hits), max(int(left), 1)

        return self._run(count)

    def ping(self) -> None:
        self._run(self._client.ping)
