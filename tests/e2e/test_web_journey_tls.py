"""The web UI once more, through Debian's nginx over HTTPS, as README "Reaching it from other devices"
sets it up: the shipped site config (infra/proxy/deeplens.nginx.conf) rendered with a self-signed
certificate for archive.deeplens.test, another port, local_api behind it with TRUSTED_PROXIES,
PUBLIC_URL and MEDIA_DELIVERY=stream.

frontend/e2e/journey-tls.mjs signs in, opens a photo, plays the voice note, downloads the PDF and the
hostile HTML document and checks that every request stayed on https://archive.deeplens.test:<port>;
this test starts everything and checks what a plain client sees of the proxy."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from deeplens_connector.sample.build_sample import (
    GROUP_PHOTO,
    HOSTILE,
    HOSTILE_MARKER,
    HOSTILE_NAME,
    INVOICE,
    INVOICE_NAME,
    PHOTO,
    VOICE,
)
from deeplens_connector.sample.voice_note import VOICE_NOTE_SECONDS

from tests.e2e.stack import (
    ADMIN_PASSWORD,
    Archive,
    api_env,
    free_port,
    require_tools,
    run_journey,
    serve_local_api,
)
from tests.e2e.tls_proxy import NGINX, PUBLIC_NAME, Proxy, run_nginx

SCREENS = (
    "tls-01-signed-in",
    "tls-02-photo",
    "tls-03-voice",
    "tls-04-document",
    "tls-04-hostile",
    "tls-05-hostile-opened",
)
PHOTO_WIDTH = 48  # Anna's photo (PHOTO); the family group's is GROUP_PHOTO


@dataclass(frozen=True)
class ProxiedApi:
    proxy: Proxy
    direct_url: str  # local_api itself, on loopback (the browser never sees it)
    archive: Archive


@pytest.fixture
def proxied_api(sample_archive: Archive, frontend_dist: Path, tmp_path: Path) -> Iterator[ProxiedApi]:
    """nginx (the shipped config) on its own ports in front of local_api, as the README says."""
    require_tools(NGINX)
    app_port = free_port()
    with run_nginx(tmp_path / "nginx", app_port) as proxy:
        env = {
            **api_env(sample_archive, frontend_dist),
            "HOST": "127.0.0.1",
            "TRUSTED_PROXIES": "127.0.0.1",
            "PUBLIC_URL": proxy.origin,
            "MEDIA_DELIVERY": "stream",
        }
        with serve_local_api(env, app_port, tmp_path / "local_api.log") as direct_url:
            yield ProxiedApi(proxy, direct_url, sample_archive)


def _expected() -> dict[str, object]:
    """What the browser must receive: the sample builder's own bytes (by SHA-256)."""

    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    assert PHOTO != GROUP_PHOTO
    return {
        "photo_width": PHOTO_WIDTH,
        "voice": {"sha256": digest(VOICE), "seconds": VOICE_NOTE_SECONDS},
        "documents": [
            {"name": INVOICE_NAME, "sha256": digest(INVOICE), "mime": "application/pdf", "hostile": False},
            {"name": HOSTILE_NAME, "sha256": digest(HOSTILE), "mime": "text/html", "hostile": True},
        ],
        "marker": HOSTILE_MARKER,
    }


def _play(api: ProxiedApi, screenshots: Path) -> tuple[int, str]:
    env = {
        **os.environ,
        "E2E_BASE_URL": api.proxy.origin,
        "E2E_PASSWORD": ADMIN_PASSWORD,
        "E2E_RESOLVE": f"MAP {PUBLIC_NAME} 127.0.0.1",
        "E2E_SPKI": api.proxy.certificate.spki_sha256,
        "E2E_EXPECT": json.dumps(_expected()),
        "E2E_SCREENSHOTS": str(screenshots),
    }

    def answer(what: str) -> None:
        raise AssertionError(f"the TLS journey asked for {what!r}")

    return run_journey("journey-tls.mjs", env, answer)


def _login(proxy: Proxy) -> tuple[int, str, str]:
    """POST /api/auth/login through the proxy: status, Set-Cookie, Strict-Transport-Security."""
    connection = proxy.connect()
    body = json.dumps({"password": ADMIN_PASSWORD})
    connection.request("POST", "/api/auth/login", body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    connection.close()
    return (
        response.status,
        response.getheader("set-cookie", ""),
        response.getheader("strict-transport-security", ""),
    )


def _redirect(proxy: Proxy, path: str) -> tuple[int, str]:
    connection = proxy.connect(tls=False)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, response.getheader("location", "")


def _served_through_proxy(proxy: Proxy) -> set[tuple[str, str]]:
    """(route, status) of the media requests nginx's access log holds (the combined format)."""
    lines = (proxy.error_log.parent / "access.log").read_text().splitlines()
    requests = (line.split('"')[1:3] for line in lines if '"GET /api/media/' in line)
    return {
        ("thumbnail" if "/thumbnail" in request else "media", status.split()[0])
        for request, status in requests
    }


def test_journey_passes_when_ui_is_reached_through_nginx_over_https(
    proxied_api: ProxiedApi, screenshot_dir: Path
) -> None:
    proxy, screenshots = proxied_api.proxy, screenshot_dir / "tls"
    assert _redirect(proxy, "/chats?x=1") == (301, f"https://{PUBLIC_NAME}/chats?x=1")
    status, cookie, hsts = _login(proxy)
    assert status == 200 and hsts.startswith("max-age=")
    assert "dl_session=" in cookie and "secure" in cookie.lower() and "httponly" in cookie.lower()

    code, output = _play(proxied_api, screenshots)

    assert code == 0, output
    assert all(f"ok {screen} " in output for screen in SCREENS), output
    assert {("media", "200"), ("media", "206")} <= _served_through_proxy(proxy)
    assert {path.stem for path in screenshots.glob("*.png")} >= set(SCREENS)
