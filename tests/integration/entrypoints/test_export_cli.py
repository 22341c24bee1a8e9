"""`python -m deeplens.entrypoints.export` as a user runs it: a local zip, then the same zip in the
bucket behind a presigned link that downloads it."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.services.ingest import IngestDeps
from devstack.config import StackConfig
from devstack.stack import up

from tests import factories as f
from tests.integration.services.test_export import fill_archive, media_store

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def stack_envs() -> dict[str, dict[str, str]]:
    return up(StackConfig.load("test"), ("s3rver",))


def run_export(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deeplens.entrypoints.export", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_writes_a_zip_and_uploads_it_behind_a_presigned_link(
    stack_env: dict[str, str], database_url: str, make_deps: Callable[..., IngestDeps], tmp_path: Path
) -> None:
    fill_archive(make_deps(database_url, TrackingPolicy(True, True)), media_store(stack_env))
    env = {**os.environ, **stack_env, "DATABASE_URL": database_url, "SESSION_ID": f.SESSION}
    out = tmp_path / "anna.zip"
    done = run_export(
        env, "--chat", f.PN, "--format", "txt,json", "--tz", "Europe/Berlin", "--out", str(out), "--upload"
    )
    assert done.returncode == 0, done.stderr
    path, uploaded, link = done.stdout.splitlines()
    assert path == str(out) and uploaded.startswith("uploaded: s3://") and uploaded.endswith(".zip")
    assert "export: chat 1/1 Anna" in done.stderr
    local = zipfile.ZipFile(out)
    (text,) = [n for n in local.namelist() if "WhatsApp Chat with" in n]
    assert local.read(text).decode().startswith("24/11/2025, 17:00 - Anna Schmidt: Hallo! Wie geht es dir?\n")
    with urllib.request.urlopen(link, timeout=10) as reply:
        assert reply.headers["Content-Disposition"] == 'attachment; filename="anna.zip"'
        fetched = reply.read()
    assert fetched == out.read_bytes()
    assert zipfile.ZipFile(io.BytesIO(fetched)).testzip() is None
    assert not list(tmp_path.glob("*.part"))


def test_cli_refuses_bad_input_with_one_line(
    stack_env: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    env = {**os.environ, **stack_env, "DATABASE_URL": database_url, "SESSION_ID": f.SESSION}
    bad_zone = run_export(env, "--all", "--tz", "Mars/Olympus", "--out", str(tmp_path / "x.zip"))
    assert bad_zone.returncode == 2 and "unknown time zone 'Mars/Olympus'" in bad_zone.stderr
    missing = run_export(env, "--chat", "0@s.whatsapp.net", "--out", str(tmp_path / "y.zip"))
    assert missing.returncode == 2 and missing.stderr.strip().startswith("NotFound: ")
    assert not list(tmp_path.iterdir())
