"""make run's environment for the product: an explicit PORT/HOST wins over the stack's defaults."""

from __future__ import annotations

from pathlib import Path

from devstack.config import StackConfig
from devstack.runner import part_env, public_url

STACK = {"DATABASE_URL": "postgresql://stack", "REDIS_PORT": "26379"}


def _cfg(offset: int = 0) -> StackConfig:
    return StackConfig("run", Path("/nonexistent"), 3, offset)


def test_api_gets_the_stack_port_on_loopback_when_nothing_is_set() -> None:
    env = part_env(_cfg(offset=600), STACK, {"PATH": "/bin"})
    assert (env["PORT"], env["HOST"], env["PATH"], env["DATABASE_URL"]) == (
        "3600",
        "127.0.0.1",
        "/bin",
        "postgresql://stack",
    )
    assert public_url(env) == "http://127.0.0.1:3600"


def test_explicit_port_and_host_win_when_set_in_the_environment() -> None:
    env = part_env(_cfg(), STACK, {"PORT": "8080", "HOST": "0.0.0.0"}, {"PORT": "9999"})
    assert (env["PORT"], env["HOST"]) == ("8080", "0.0.0.0")


def test_port_and_host_from_dotenv_win_over_the_stack_when_the_environment_has_none() -> None:
    env = part_env(_cfg(), STACK, {}, {"PORT": "4000", "HOST": "::", "OTHER": None})
    assert (env["PORT"], env["HOST"]) == ("4000", "::")
    assert public_url(env) == "http://[::]:4000"


def test_public_url_is_announced_when_set() -> None:
    env = part_env(_cfg(), STACK, {"PUBLIC_URL": "https://archive.example.org/"})
    assert public_url(env) == "https://archive.example.org"
