"""`python -m devstack up|down|status|env|run` — the local stack without Docker."""

from __future__ import annotations

import argparse
import subprocess
import sys

from deeplens.domain.errors import DeepLensError

from devstack.config import StackConfig, StackConfigError
from devstack.runner import run_product
from devstack.sam_env import render
from devstack.stack import default_backend, down, env_file, health, read_env, timed_up


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="devstack", description=__doc__)
    parser.add_argument("command", choices=["up", "down", "status", "env", "run"])
    parser.add_argument("--profile", default="run", help="run (the user's archive) or test")
    parser.add_argument(
        "--backend",
        action="append",
        help="s3rver (default: s3rver + moto) or localstack; repeatable",
    )
    parser.add_argument("--sam", action="store_true", help="env: the `sam local --env-vars` JSON")
    parser.add_argument("--host", default="host.docker.internal", help="env --sam: the stack's address")
    args = parser.parse_args(argv)
    try:
        cfg = StackConfig.load(args.profile)
        backends = tuple(args.backend or [default_backend()])
        if args.command == "env" and args.sam:
            sys.stdout.write(render(read_env(env_file(cfg, backends[0])), args.host))
            return 0
        return COMMANDS[args.command](cfg, backends)
    except (StackConfigError, DeepLensError, OSError, RuntimeError, subprocess.CalledProcessError) as error:
        _say(f"devstack: {error}")
        return 2


def _up(cfg: StackConfig, backends: tuple[str, ...]) -> int:
    envs, seconds = timed_up(cfg, backends)
    _say(f"devstack: {cfg.profile} stack up in {seconds:.2f}s ({', '.join(envs)}); data in {cfg.data_dir}")
    return 0


def _down(cfg: StackConfig, _: tuple[str, ...]) -> int:
    stopped = down(cfg)
    _say(f"devstack: stopped {', '.join(stopped) or 'nothing (nothing was running)'}")
    return 0


def _status(cfg: StackConfig, backends: tuple[str, ...]) -> int:
    path = env_file(cfg, backends[0])
    if not path.exists():
        _say(f"devstack: the {cfg.profile} stack was never started (no {path.name})")
        return 1
    report = health(read_env(path))
    for name, state in report.items():
        _say(f"{name:9} {state}")
    return 0 if all(state == "ok" for state in report.values()) else 1


def _env(cfg: StackConfig, backends: tuple[str, ...]) -> int:
    sys.stdout.write(env_file(cfg, backends[0]).read_text())
    return 0


COMMANDS = {"up": _up, "down": _down, "status": _status, "env": _env, "run": run_product}

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
