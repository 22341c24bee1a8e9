"""`make run`: the stack, then every part of the product that exists, until Ctrl-C."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import FrameType

from dotenv import dotenv_values

from devstack.config import StackConfig
from devstack.stack import down, health, timed_up


@dataclass(frozen=True)
class Part:
    name: str
    module: str
    issue: str


PARTS = (
    Part("api + web UI", "deeplens.entrypoints.local_api", "the API issue"),
    Part("ingest worker", "deeplens.entrypoints.worker", "the ingest issue"),
    Part("connector", "deeplens_connector.__main__", "the connector issue"),
)


class _Stop(Exception):
    pass


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def run_product(cfg: StackConfig, backends: tuple[str, ...]) -> int:
    signal.signal(signal.SIGTERM, _raise_stop)
    children: list[tuple[Part, subprocess.Popen[bytes]]] = []
    try:
        envs, seconds = timed_up(cfg, backends)
        env = envs[backends[0]]
        _say(f"stack up in {seconds:.2f}s, data in {cfg.data_dir}")
        for name, state in health(env).items():
            _say(f"  {name:9} {state}")
        _catch_up(env)
        children = _start_parts(cfg, env)
        _say("running; Ctrl-C stops everything")
        _watch(children)
    except (KeyboardInterrupt, _Stop):
        _say("stopping")
    except (OSError, RuntimeError, subprocess.CalledProcessError) as error:
        _say(f"devstack: could not start: {error}")
        return 1
    finally:
        for _, child in children:
            _stop_child(child)
        _say(f"stopped {', '.join(down(cfg)) or 'nothing'}")
    return 0


def part_env(
    cfg: StackConfig,
    stack_env: Mapping[str, str],
    environ: Mapping[str, str],
    dotenv: Mapping[str, str | None] | None = None,
) -> dict[str, str]:
    """The environment of every part: the caller's, the stack's, then PORT and HOST. A PORT/HOST
    the caller set (in the environment, else in `.env`) wins; otherwise the stack's API port on
    loopback."""
    env = {**environ, **stack_env}
    env["PORT"] = _explicit("PORT", environ, dotenv) or str(cfg.port("api"))
    env["HOST"] = _explicit("HOST", environ, dotenv) or "127.0.0.1"
    return env


def _explicit(name: str, environ: Mapping[str, str], dotenv: Mapping[str, str | None] | None) -> str | None:
    return environ.get(name) or (dotenv or {}).get(name) or None


def public_url(env: dict[str, str]) -> str:
    """What the API announces (ApiSettings.base_url): PUBLIC_URL, else http://HOST:PORT."""
    if env.get("PUBLIC_URL"):
        return env["PUBLIC_URL"].rstrip("/")
    host = env["HOST"]
    return f"http://{f'[{host}]' if ':' in host else host}:{env['PORT']}"


def _start_parts(cfg: StackConfig, env: dict[str, str]) -> list[tuple[Part, subprocess.Popen[bytes]]]:
    started = []
    child_env = part_env(cfg, env, os.environ, dotenv_values(".env"))
    _say(f"  web UI         {public_url(child_env)} (listening on {child_env['HOST']}:{child_env['PORT']})")
    for part in PARTS:
        if not _exists(part.module):
            _say(f"  {part.name:14} not built yet ({part.issue})")
            continue
        module = part.module.removesuffix(".__main__")
        started.append((part, subprocess.Popen([sys.executable, "-m", module], env=child_env)))
        _say(f"  {part.name:14} started")
    return started


def _catch_up(env: dict[str, str]) -> None:
    """The local SQS keeps messages in memory: refill it from the event log before starting."""
    done = subprocess.run(
        [sys.executable, "-m", "deeplens.entrypoints.reconcile", "--min-age-seconds", "0"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    _say(f"  reconcile  {(done.stdout or done.stderr).strip()}")


def _exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _watch(children: list[tuple[Part, subprocess.Popen[bytes]]]) -> None:
    reported: set[str] = set()
    while True:
        for part, child in children:
            code = child.poll()
            if code is not None and part.name not in reported:
                reported.add(part.name)
                _say(f"{part.name} exited with code {code}")
        time.sleep(0.5)


def _stop_child(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
