"""make run's environment for the product (an explicit PORT/HOST wins over the stack's defaults), the
parts it runs and its recovery intervals."""

from __future__ import annotations

from pathlib import Path

import pytest
from devstack.config import StackConfig, StackConfigError
from devstack.recovery import RecoverySettings
from devstack.runner import chosen_parts, part_env, public_url

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


def test_every_part_runs_unless_deeplens_parts_picks_some() -> None:
    assert [part.tag for part in chosen_parts({})] == ["api", "worker", "connector"]
    assert [part.tag for part in chosen_parts({"DEEPLENS_PARTS": "connector, worker"})] == [
        "worker",
        "connector",
    ]


def test_unknown_part_is_refused_with_the_known_names() -> None:
    with pytest.raises(StackConfigError, match=r"unknown part.*api, connector, worker"):
        chosen_parts({"DEEPLENS_PARTS": "api,ui"})


def test_recovery_intervals_default_to_five_minutes_and_a_one_minute_age() -> None:
    assert RecoverySettings.from_env({}) == RecoverySettings(10, 300, 60)
    env = {
        "DEEPLENS_CHECK_SECONDS": "1",
        "DEEPLENS_RECONCILE_SECONDS": "5",
        "DEEPLENS_RECONCILE_MIN_AGE_SECONDS": "0",
    }
    assert RecoverySettings.from_env(env) == RecoverySettings(1, 5, 0)


def test_recovery_interval_that_is_not_whole_seconds_is_refused_by_name() -> None:
    with pytest.raises(StackConfigError, match="DEEPLENS_CHECK_SECONDS"):
        RecoverySettings.from_env({"DEEPLENS_CHECK_SECONDS": "0"})


def test_the_user_chooses_how_media_is_delivered_over_the_stacks_suggestion() -> None:
    stack = {**STACK, "MEDIA_DELIVERY": "stream"}
    assert part_env(_cfg(), stack, {})["MEDIA_DELIVERY"] == "stream"
    assert part_env(_cfg(), stack, {"MEDIA_DELIVERY": "redirect"})["MEDIA_DELIVERY"] == "redirect"
    chosen = part_env(
        _cfg(), stack, {}, {"MEDIA_DELIVERY": "redirect", "MEDIA_PUBLIC_ENDPOINT": "https://s3.lan"}
    )
    assert (chosen["MEDIA_DELIVERY"], chosen["MEDIA_PUBLIC_ENDPOINT"]) == ("redirect", "https://s3.lan")
