"""`make run`: the stack, then every part of the product that exists, until Ctrl-C (or SIGTERM).

Each part's output is relayed line by line with its name; a part that crashed is started again
after a backoff (devstack.restart), one that stopped on purpose is not, and either is said. A
recovery thread (devstack.recovery) restarts a stopped server, recreates lost queues and reconciles
on a timer."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import time
from collections.abc import Mapping
from types import FrameType

from dotenv import dotenv_values

from devstack.account_connectors import DEFAULT_POLL_S, AccountConnectors, AccountsSource
from devstack.config import StackConfig, StackConfigError
from devstack.output import Terminal
from devstack.parts import CONNECTOR_STOP_CODES, Part, Parts
from devstack.recovery import Recovery, RecoverySettings
from devstack.restart import EX_CONFIG
from devstack.stack import down, health, timed_up

PARTS = (
    Part("api + web UI", "api", "deeplens.entrypoints.local_api", "the API issue"),
    Part("ingest worker", "worker", "deeplens.entrypoints.worker", "the ingest issue"),
    Part(
        "connector", "connector", "deeplens_connector.__main__", "the connector issue", CONNECTOR_STOP_CODES
    ),
)
TERMINAL = Terminal()


class _Stop(Exception):
    pass


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def run_product(cfg: StackConfig, backends: tuple[str, ...]) -> int:
    # Ctrl-C, systemd's stop, a closed terminal. SIGINT explicitly too: a shell starting `make run`
    # in the background (`cmd &` without job control) leaves SIGINT ignored, and Python then never
    # raises KeyboardInterrupt, so Ctrl-C sent to the process group would stop nothing.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_stop)
    parts = Parts({}, TERMINAL)
    recovery: Recovery | None = None
    try:
        settings_env = {**_dotenv(), **os.environ}  # the environment wins over .env, as for the parts
        chosen, settings = chosen_parts(settings_env), RecoverySettings.from_env(settings_env)
        envs, seconds = timed_up(cfg, backends)
        env = envs[backends[0]]
        _say(f"stack up in {seconds:.2f}s, data in {cfg.data_dir}")
        for name, state in health(env).items():
            _say(f"  {name:9} {state}")
        recovery = Recovery(cfg, backends, env, settings, TERMINAL.line)
        recovery.reconcile(0, full=True)  # the local SQS keeps messages in memory: refill from the log
        parts = Parts(part_env(cfg, env, os.environ, dotenv_values(".env")), TERMINAL)
        connectors = _start_parts(parts, chosen, settings_env)
        recovery.start()
        _say(
            f"running; stack checked every {settings.check_s:.0f}s, reconcile every"
            f" {settings.reconcile_s:.0f}s; Ctrl-C stops everything"
        )
        _watch(parts, connectors)
    except (KeyboardInterrupt, _Stop):
        _say("stopping")
    except StackConfigError as error:
        _say(f"devstack: {error}")
        return EX_CONFIG
    except (OSError, RuntimeError, subprocess.CalledProcessError) as error:
        _say(f"devstack: could not start: {error}")
        return 1
    finally:
        if recovery is not None:
            recovery.stopping.set()  # no server is started again from here on
        parts.stop_all()
        if recovery is not None:
            recovery.stop()
        _say(f"stopped {', '.join(down(cfg)) or 'nothing'}")
    return 0


def chosen_parts(environ: Mapping[str, str]) -> tuple[Part, ...]:
    """DEEPLENS_PARTS (comma-separated tags, e.g. `api,worker`) picks the parts; default all."""
    raw = environ.get("DEEPLENS_PARTS", "").strip()
    if not raw:
        return PARTS
    wanted = [tag.strip() for tag in raw.split(",") if tag.strip()]
    known = {part.tag for part in PARTS}
    unknown = sorted(set(wanted) - known)
    if unknown:
        names = f"{', '.join(unknown)}; known: {', '.join(sorted(known))}"
        raise StackConfigError(f"DEEPLENS_PARTS: unknown part(s) {names}")
    return tuple(part for part in PARTS if part.tag in wanted)


def part_env(
    cfg: StackConfig,
    stack_env: Mapping[str, str],
    environ: Mapping[str, str],
    dotenv: Mapping[str, str | None] | None = None,
) -> dict[str, str]:
    """The environment of every part: the caller's, the stack's, then the user's choices. A PORT,
    HOST, MEDIA_DELIVERY or MEDIA_PUBLIC_ENDPOINT the caller set (in the environment, else in
    `.env`) wins; otherwise the stack's API port on loopback and media streamed through the API."""
    env = {**environ, **stack_env}
    env["PORT"] = _explicit("PORT", environ, dotenv) or str(cfg.port("api"))
    env["HOST"] = _explicit("HOST", environ, dotenv) or "127.0.0.1"
    for name in USER_CHOICES:
        if chosen := _explicit(name, environ, dotenv):
            env[name] = chosen
    return env


USER_CHOICES = ("MEDIA_DELIVERY", "MEDIA_PUBLIC_ENDPOINT")  # the stack only suggests these


def _explicit(name: str, environ: Mapping[str, str], dotenv: Mapping[str, str | None] | None) -> str | None:
    return environ.get(name) or (dotenv or {}).get(name) or None


def public_url(env: dict[str, str]) -> str:
    """What the API announces (ApiSettings.base_url): PUBLIC_URL, else http://HOST:PORT."""
    if env.get("PUBLIC_URL"):
        return env["PUBLIC_URL"].rstrip("/")
    host = env["HOST"]
    return f"http://{f'[{host}]' if ':' in host else host}:{env['PORT']}"


def _start_parts(
    parts: Parts, chosen: tuple[Part, ...], settings_env: Mapping[str, str]
) -> AccountConnectors | None:
    """Starts the chosen parts; the connector as one process per account (account_connectors)."""
    env = parts.env
    connectors = None
    if PARTS[0] in chosen:
        _say(f"  web UI         {public_url(env)} (listening on {env['HOST']}:{env['PORT']})")
    for part in chosen:
        if not _exists(part.module):
            _say(f"  {part.name:14} not built yet ({part.issue})")
            continue
        if part.tag == "connector":
            connectors = _account_connectors(parts, part, settings_env)
            connectors.poll()
            continue
        pid = parts.start(part)
        _say(f"  {part.name:14} started (pid {pid}), output as [{part.tag}]")
    return connectors


def _account_connectors(parts: Parts, part: Part, settings_env: Mapping[str, str]) -> AccountConnectors:
    source = AccountsSource(parts.env["DATABASE_URL"], parts.env.get("SESSION_ID") or "primary_agent")
    seconds = float(settings_env.get("DEEPLENS_ACCOUNTS_SECONDS") or DEFAULT_POLL_S)
    return AccountConnectors(parts, part, source, _say, seconds)


def _dotenv() -> dict[str, str]:
    return {key: value for key, value in dotenv_values(".env").items() if value is not None}


def _exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _watch(parts: Parts, connectors: AccountConnectors | None = None) -> None:
    while True:
        parts.check()
        if connectors is not None and connectors.due():
            connectors.poll()
        time.sleep(0.2)


def _say(text: str) -> None:
    TERMINAL.line("devstack", text)
