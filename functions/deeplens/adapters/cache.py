"""Redis: the client factory and the few operations the API needs, with driver errors translated."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import redis

from deeplens.domain.errors import TransientError
from deeplens.settings import RedisSettings

T = TypeVar("T")


def make_redis(settings: RedisSettings) -> redis.Redis[str]:
    password = settings.redis_password
    return redis.Redis(
        host=settings.redis_host,
        port=settings.redis_port,
        db=settings.redis_db,
        password=password.get_secret_value() if password else None,
        decode_responses=True,
        socket_timeout=2,
        socket_connect_timeout=2,
        health_check_interval=30,
    )


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except redis.RedisError as error:
        raise TransientError(f"Redis unavailable: {type(error).__name__}") from error


class Cache:
    """Strings with a TTL, counters in a window; every failure is a TransientError."""

    def __init__(self, client: redis.Redis[str]) -> None:
        self._client = client

    def _run(self, action: Callable[[], T]) -> T:
        with _translated():
            return action()

    def get(self, key: str) -> str | None:
        value = self._run(lambda: self._client.get(key))
        return None if value is None else str(value)

    def set(self, key: str, value: str, ttl_s: int | None = None) -> None:
        self._run(lambda: self._client.set(key, value, ex=ttl_s))

    def delete(self, key: str) -> None:
        self._run(lambda: self._client.delete(key))

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
