"""`python -m deeplens.entrypoints.local_api`: the API and the built web UI on $HOST:$PORT
(127.0.0.1:3000 by default), announced as PUBLIC_URL. Proxy headers (X-Forwarded-For/-Proto) are
believed only from TRUSTED_PROXIES (uvicorn's ProxyHeadersMiddleware, off when the list is empty).

With no ADMIN_PASSWORD / ADMIN_PASSWORD_HASH and none stored yet, a strong password is generated
on the first start, only its hash is stored (table api_admin), and it is shown this once.
`--hash-password` reads a password on stdin and writes its ADMIN_PASSWORD_HASH value.
"""

from __future__ import annotations

import sys
from typing import Any

import uvicorn

from deeplens.bootstrap import api_deps_from
from deeplens.entrypoints.cli import run_cli
from deeplens.entrypoints.http.app import create_app
from deeplens.services.auth import ensure_admin_password, hash_password
from deeplens.settings import MIN_PASSWORD_LENGTH, ApiSettings, load_settings


def main(argv: list[str]) -> int:
    if argv[:1] == ["--hash-password"]:
        return _print_hash(sys.stdin.readline().rstrip("\n"))
    settings = load_settings(ApiSettings)
    deps = api_deps_from(settings)
    generated = ensure_admin_password(deps)
    if generated:
        _say(
            "\n  DeepLens admin password (shown once, only its hash is kept):\n"
            f"    {generated}\n  Log in at {settings.base_url}\n"
        )
    uvicorn.run(create_app(deps), **uvicorn_options(settings))
    return 0


def uvicorn_options(settings: ApiSettings) -> dict[str, Any]:
    """Where uvicorn listens and whom it believes: X-Forwarded-For/-Proto only from a peer in
    TRUSTED_PROXIES (IPs or CIDRs; uvicorn then takes the rightmost X-Forwarded-For entry that is
    not itself a trusted proxy); with none, proxy headers are ignored (uvicorn's default would
    believe any loopback client)."""
    trusted = list(settings.trusted_proxies)
    return {
        "host": settings.host,
        "port": settings.port,
        "log_level": "info",
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or None,
        "server_header": False,
    }


def _print_hash(password: str) -> int:
    if len(password) < MIN_PASSWORD_LENGTH:
        sys.stderr.write(f"the password needs at least {MIN_PASSWORD_LENGTH} characters\n")
        return 2
    _say(f"ADMIN_PASSWORD_HASH={hash_password(password)}")
    return 0


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(run_cli(main))
