"""How local_api starts uvicorn: HOST/PORT, proxy headers only from TRUSTED_PROXIES, PUBLIC_URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from deeplens.domain.errors import ConfigurationError
from deeplens.entrypoints.local_api import uvicorn_options
from deeplens.settings import ApiSettings, load_settings

URL = "postgresql://u:p@127.0.0.1:5432/db"


@pytest.fixture(autouse=True)
def no_env_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("HOST", "PORT", "PUBLIC_URL", "TRUSTED_PROXIES", "MAX_BODY_BYTES"):
        monkeypatch.delenv(name, raising=False)


def _settings(**values: object) -> ApiSettings:
    return load_settings(ApiSettings, database_url=URL, **values)


def test_uvicorn_ignores_proxy_headers_on_loopback_when_no_proxy_is_trusted() -> None:
    options = uvicorn_options(_settings())
    assert (options["host"], options["port"]) == ("127.0.0.1", 3000)
    assert options["proxy_headers"] is False


def test_uvicorn_believes_only_the_listed_proxies_when_trusted_proxies_is_set() -> None:
    options = uvicorn_options(
        _settings(trusted_proxies="10.0.0.5, 172.16.0.0/12,::1", host="0.0.0.0", port=8080)
    )
    assert options["proxy_headers"] is True
    assert options["forwarded_allow_ips"] == ["10.0.0.5/32", "172.16.0.0/12", "::1/128"]
    assert (options["host"], options["port"]) == ("0.0.0.0", 8080)


@pytest.mark.parametrize("value", ["10.0.0.300", "proxy.internal", "10.0.0.0/33", "*"])
def test_start_is_refused_naming_the_variable_when_a_trusted_proxy_is_no_ip(value: str) -> None:
    with pytest.raises(ConfigurationError, match="TRUSTED_PROXIES"):
        _settings(trusted_proxies=value)


def test_base_url_is_public_url_when_set_else_host_and_port() -> None:
    assert _settings().base_url == "http://127.0.0.1:3000"
    assert _settings(host="::1", port=3600).base_url == "http://[::1]:3600"
    assert _settings(public_url="https://archive.example.org/").base_url == "https://archive.example.org"


@pytest.mark.parametrize("value", ["archive.example.org", "ftp://x", "https://x/?a=1", "https://x/#f"])
def test_start_is_refused_naming_the_variable_when_public_url_is_no_http_url(value: str) -> None:
    with pytest.raises(ConfigurationError, match="PUBLIC_URL"):
        _settings(public_url=value)


def test_body_limit_is_one_mebibyte_when_not_set() -> None:
    assert _settings().max_body_bytes == 1024 * 1024
