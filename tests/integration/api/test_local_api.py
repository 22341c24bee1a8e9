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

from tests.integration.api.transport import ApiClient, UvicornTransport


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = int(env["PORT"])
        command = [sys.executable, "-m", "deeplens.entrypoints.local_api"]
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/api/health", timeout=1).status_code == 200:
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
) -> Iterator[Callable[[], _Server]]:
    servers: list[_Server] = []
    names = {"ADMIN_PASSWORD", "ADMIN_PASSWORD_HASH"}
    base = {key: value for key, value in os.environ.items() if key not in names}

    def start() -> _Server:
        env = {**base, **stack_env, "DATABASE_URL": database_url, "PORT": str(_free_port())}
        server = _Server({**env, "FRONTEND_DIR": str(tmp_path / "none")})
        servers.append(server)
        return server

    yield start
    for server in servers:
        if server.process.poll() is None:
            server.stop()


def test_admin_password_is_printed_once_and_works_when_none_is_configured(
    start_server: Callable[[], _Server],
) -> None:
    first = start_server()
    first.wait_ready()
    output = first.stop()
    password = output.split("shown once, only its hash is kept):", 1)[1].split()[0]
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
        assert b"DeepLens" in client.get("/").body
        assert client.get("/assets/app.js").body == b"console.log('hi')"
        assert b"DeepLens" in client.get("/chats/4915112345678@s.whatsapp.net").body  # client-side route
        missing_api = client.get("/api/nothing")
        assert (missing_api.status, missing_api.json()["error"]["code"]) == (404, "not_found")
        assert client.get("/api/chats").status == 401
    finally:
        transport.close()


def create_app_for(
    make_api_deps: Callable[[ApiSettings], ApiDeps], settings: ApiSettings, dist: Path
) -> FastAPI:
    return create_app(make_api_deps(settings.model_copy(update={"frontend_dir": dist})))
