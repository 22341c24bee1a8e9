"""infra/systemd/deeplens.service: systemd accepts it without a warning, and it stops devstack the
way Ctrl-C does, with time for the whole drain, and restarts it only when a restart can help."""

from __future__ import annotations

import configparser
import subprocess
from pathlib import Path

from devstack.config import REPO_ROOT
from devstack.parts import STOP_GRACE_S
from devstack.restart import EX_CONFIG

UNIT = REPO_ROOT / "infra/systemd/deeplens.service"
INSTALLED_AT = "/opt/deeplens-connect"
# devstack's stop: every part at once (STOP_GRACE_S), then redis, s3rver and moto (10 s each at
# most, devstack.proc.terminate) and PostgreSQL (pg_ctl -w: 60 s at most).
DRAIN_S = STOP_GRACE_S + 3 * 10 + 60


def _service() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(UNIT.read_text())
    return parser["Service"]


def test_unit_runs_devstack_in_the_checkout_as_its_own_user() -> None:
    service = _service()
    assert service["ExecStart"] == f"{INSTALLED_AT}/.venv/bin/python -m devstack run"
    assert service["WorkingDirectory"] == INSTALLED_AT
    assert service["User"] == service["Group"] == "deeplens"
    assert service["EnvironmentFile"] == "-/etc/deeplens/deeplens.env"
    assert "DEEPLENS_DATA_DIR=/var/lib/deeplens" in service["Environment"].split()


def test_unit_stops_like_ctrl_c_with_time_for_the_drain() -> None:
    service = _service()
    assert (service["KillSignal"], service["KillMode"]) == ("SIGINT", "mixed")
    assert int(service["TimeoutStopSec"]) > DRAIN_S


def test_unit_restarts_on_failure_but_not_after_a_configuration_error() -> None:
    service = _service()
    assert service["Restart"] == "on-failure"
    assert set(service["RestartPreventExitStatus"].split()) == {"2", str(EX_CONFIG)}


def test_systemd_verifies_the_unit_without_a_warning(tmp_path: Path) -> None:
    # verify also checks that ExecStart exists: point the unit at this checkout.
    unit = tmp_path / "deeplens.service"
    unit.write_text(UNIT.read_text().replace(INSTALLED_AT, str(REPO_ROOT)))
    done = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, check=False, timeout=60
    )
    assert (done.returncode, done.stdout + done.stderr) == (0, "")
