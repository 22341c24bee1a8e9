"""Redis settings -> client options (TLS and AUTH for ElastiCache), and the pause after a failure."""

from __future__ import annotations

from typing import Any

import pytest
import redis
from deeplens.adapters.cache import PAUSE_S, Cache, make_redis, redis_kwargs
from deeplens.domain.errors import TransientError
from deeplens.settings import RedisSettings


def _settings(**values: Any) -> RedisSettings:
    return RedisSettings(_env_file=None, **values)


def test_tls_and_acl_user_when_elasticache_asks_for_them() -> None:
    kwargs = redis_kwargs(
        _settings(redis_host="x.serverless.use1.cache.amazonaws.com", redis_tls=True,
                  redis_username="deeplens", redis_password="s3cret-token")
    )  # fmt: skip
    assert kwargs["ssl"] is True
    assert (kwargs["ssl_cert_reqs"], kwargs["ssl_check_hostname"]) == ("required", True)
    assert (kwargs["username"], kwargs["password"]) == ("deeplens", "s3cret-token")
    assert kwargs["host"] == "x.serverless.use1.cache.amazonaws.com"


def test_plain_connection_without_auth_by_default() -> None:
    kwargs = redis_kwargs(_settings())
    assert "ssl" not in kwargs
    assert (kwargs["username"], kwargs["password"]) == (None, None)


def test_tls_settings_reach_the_connection_class() -> None:
    client = make_redis(_settings(redis_tls=True, redis_password="p"))
    assert client.connection_pool.connection_class.__name__ == "SSLConnection"


def test_the_api_retries_once_quickly_the_connector_keeps_redis_pys_own_retries() -> None:
    quick, patient, plain = make_redis(_settings()), make_redis(_settings(), quick=False), redis.Redis()
    assert quick.get_retry().get_retries() == 1
    assert quick.connection_pool.connection_kwargs["health_check_interval"] == 30
    assert patient.get_retry().get_retries() == plain.get_retry().get_retries() > 1
    assert type(patient.get_retry()._backoff) is type(plain.get_retry()._backoff)
    assert patient.connection_pool.connection_kwargs.get("health_check_interval", 0) == 0
    kwargs = redis_kwargs(_settings(redis_tls=True), quick=False)
    assert (kwargs["ssl"], kwargs["ssl_cert_reqs"], kwargs["ssl_check_hostname"]) == (True, "required", True)


def test_redis_is_left_alone_for_a_while_after_it_failed() -> None:
    now = [100.0]
    cache = Cache(make_redis(_settings(redis_port=1)), clock=lambda: now[0])
    with pytest.raises(TransientError, match="Redis unavailable: ConnectionError"):
        cache.get("k")
    with pytest.raises(TransientError, match="less than 10 s ago"):
        cache.get("k")
    now[0] += PAUSE_S
    with pytest.raises(TransientError, match="Redis unavailable: ConnectionError"):
        cache.get("k")
