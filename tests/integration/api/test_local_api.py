"""The run command's API process: generates the admin password once, serves the built frontend."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from deeplens.entrypoints.http.app import create_app
from deeplens.services.api import ApiDeps
from deeplens.settings import ApiSettings
from fastapi import FastAPI

from tests.integration.api.conftest import PASSWORD
from tests.integration.api.transport import ApiClient, Reply, UvicornTransport


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = int(env["PORT"])
        self.url = f"http://{env.get('HOST', '127.0.0.1')}:{self.port}"
        command = [sys.executable, "-m", "deeplens.entrypoints.local_api"]
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("local API did not start")

    def stop(self) -> str:
        self.process.terminate()
        output, _ = self.process.communicate(timeout=15)
        return output


@pytest.fixture
def start_server(
    stack_env: dict[str, str], database_url: str, tmp_path: Path
) -> Iterator[Callable[..., _Server]]:
    servers: list[_Server] = []
    names = {"ADMIN_PASSWORD", "ADMIN_PASSWORD_HASH"}
    base = {key: value for key, value in os.environ.items() if key not in names}

    def start(**extra: str) -> _Server:
        env = {**base, **stack_env, "DATABASE_URL": database_url, "PORT": str(_free_port())}
        server = _Server({**env, "FRONTEND_DIR": str(tmp_path / "none"), **extra})
        servers.append(server)
        return server

    yield start
    for server in servers:
        if server.process.poll() is None:
            server.stop()


def test_admin_password_is_printed_once_and_works_when_none_is_configured(
    start_server: Callable[..., _Server],
) -> None:
    first = start_server(PUBLIC_URL="https://archive.example.org/")
    first.wait_ready()
    output = first.stop()
    password = output.split("shown once, only its hash is kept):", 1)[1].split()[0]
    assert "Log in at https://archive.example.org\n" in output
    second = start_server()
    second.wait_ready()
    login = httpx.post(
        f"http://127.0.0.1:{second.port}/api/auth/login", json={"password": password}, timeout=10
    )
    assert login.status_code == 200
    assert password not in second.stop()


def test_frontend_is_served_with_client_routes_when_it_was_built(
    make_api_deps: Callable[[ApiSettings], ApiDeps], api_settings: ApiSettings, tmp_path: Path
) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>DeepLens</title>")
    (dist / "assets" / "app.js").write_text("console.log('hi')")
    transport = UvicornTransport(create_app_for(make_api_deps, api_settings, dist))
    client = ApiClient(transport, "uvicorn")
    try:
        assert b"DeepLens" in _guarded(client.get("/")).body
        assert _guarded(client.get("/assets/app.js")).body == b"console.log('hi')"
        assert b"DeepLens" in client.get("/chats/4915112345678@s.whatsapp.net").body  # client-side route
        missing_api = _guarded(client.get("/api/nothing"))
        assert (missing_api.status, missing_api.json()["error"]["code"]) == (404, "not_found")
        assert _guarded(client.get("/api/chats")).status == 401
        for path in ("/api/media/..%2F..%2Fetc%2Fpasswd", "/api/..%2Findex.html", "/api/chats/", "/api",
                     "/api/assets/app.js", "/api/media/..%2F..%2Fassets%2Fapp.js"):  # fmt: skip
            for method in ("GET", "POST"):
                reply = _guarded(client.request(method, path))
                assert reply.status == 404 and reply.headers["content-type"] == "application/json", (
                    method,
                    path,
                )
                assert reply.json()["error"]["code"] == "not_found"
    finally:
        transport.close()


def _guarded(reply: Reply) -> Reply:
    """The reply, once its security headers are checked."""
    assert reply.headers["content-security-policy"].startswith("default-src 'self'; script-src 'self';")
    assert reply.headers["x-frame-options"] == "DENY"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["referrer-policy"] == "no-referrer"
    assert "microphone=()" in reply.headers["permissions-policy"]
    return reply


def create_app_for(
    make_api_deps: Callable[[ApiSettings], ApiDeps], settings: ApiSettings, dist: Path
) -> FastAPI:
    return create_app(make_api_deps(settings.model_copy(update={"frontend_dir": dist})))


FORGED = [f"198.18.{n // 200}.{n % 200 + 1}" for n in range(25)]  # one new address per attempt
LOOPBACK_KEY = "login_attempts:127.0.0.1"


@pytest.fixture
def login_budgets(api_deps: ApiDeps) -> Iterator[ApiDeps]:
    """The limiter's counters for loopback and the forged addresses, empty before and after."""
    keys = [LOOPBACK_KEY, *(f"login_attempts:{address}" for address in FORGED)]
    for key in keys:
        api_deps.cache.delete(key)
    yield api_deps
    for key in keys:
        api_deps.cache.delete(key)


def _logins(server: _Server, password: str, headers: list[dict[str, str]]) -> list[httpx.Response]:
    with httpx.Client(base_url=server.url, timeout=10) as http:
        return [http.post("/api/auth/login", json={"password": password}, headers=h) for h in headers]


def _secure(response: httpx.Response) -> bool:
    cookie = response.headers["set-cookie"]
    return "secure" in {part.strip().lower() for part in cookie.split(";")}


def test_forged_forwarded_for_keeps_the_limiter_key_when_the_client_is_no_trusted_proxy(
    start_server: Callable[..., _Server], login_budgets: ApiDeps
) -> None:
    server = start_server(ADMIN_PASSWORD=PASSWORD)
    server.wait_ready()
    forged = [{"X-Forwarded-For": address, "X-Forwarded-Proto": "https"} for address in FORGED]
    right = _logins(server, PASSWORD, forged[:1])[0]
    assert right.status_code == 200 and not _secure(right)  # X-Forwarded-Proto ignored as well
    statuses = [reply.status_code for reply in _logins(server, "wrong password!", forged)]
    limit = login_budgets.settings.login_max_attempts
    assert statuses == [401] * limit + [429] * (len(FORGED) - limit)


def test_forwarded_for_and_proto_count_when_the_client_is_a_trusted_proxy(
    start_server: Callable[..., _Server], login_budgets: ApiDeps
) -> None:
    server = start_server(ADMIN_PASSWORD=PASSWORD, TRUSTED_PROXIES="127.0.0.0/8")
    server.wait_ready()
    forged = [{"X-Forwarded-For": f"203.0.113.66, {address}"} for address in FORGED]
    statuses = [reply.status_code for reply in _logins(server, "wrong password!", forged)]
    assert statuses == [401] * len(FORGED)  # each attempt counted for its own (forwarded) client
    assert login_budgets.cache.get(f"login_attempts:{FORGED[0]}") == "1"
    assert login_budgets.cache.get(LOOPBACK_KEY) is None
    over_https = _logins(server, PASSWORD, [{"X-Forwarded-For": FORGED[1], "X-Forwarded-Proto": "https"}])[0]
    assert over_https.status_code == 200 and _secure(over_https)
    assert login_budgets.cache.get(f"login_attempts:{FORGED[1]}") is None  # a success clears it


def test_api_listens_on_host_and_port_when_they_are_set(start_server: Callable[..., _Server]) -> None:
    port = _free_port()
    server = start_server(ADMIN_PASSWORD=PASSWORD, HOST="127.0.0.2", PORT=str(port))
    server.wait_ready()
    assert server.url == f"http://127.0.0.2:{port}"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
