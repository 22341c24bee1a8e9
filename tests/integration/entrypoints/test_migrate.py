"""The migration function (Lambda handler) against the real PostgreSQL: idempotent, and two
invocations at once never migrate twice (one applies, the other waits for the lock)."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from deeplens.adapters.migrations import discover
from deeplens.domain.errors import MigrationError
from deeplens.entrypoints.migrate import handler
from devstack.stack import MIGRATIONS

SLOW_S = 1.5


@pytest.fixture
def packaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, empty_database_url: str) -> Path:
    """The repository's migrations plus a slow one, where the function would find them."""
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, directory)
    last = discover(MIGRATIONS)[-1].version
    (directory / f"{last + 1:04d}_slow.sql").write_text(f"SELECT pg_sleep({SLOW_S});")
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    monkeypatch.setenv("MIGRATIONS_DIR", str(directory))
    return directory


def _invoke(results: list[tuple[dict[str, Any], float]], started: float) -> None:
    result = handler({}, None)
    results.append((result, time.monotonic() - started))


def test_one_invocation_migrates_while_the_other_waits_when_two_deploys_overlap(packaged: Path) -> None:
    results: list[tuple[dict[str, Any], float]] = []
    started = time.monotonic()
    first = threading.Thread(target=_invoke, args=(results, started))
    first.start()
    time.sleep(0.3)  # the first one holds the lock by now
    second = threading.Thread(target=_invoke, args=(results, started))
    second.start()
    first.join()
    second.join()
    by_count = sorted(results, key=lambda item: len(item[0]["applied"]))
    (waiter, waited_s), (migrator, _) = by_count
    assert migrator["applied"] == [m.version for m in discover(packaged)]
    assert waiter["applied"] == []
    assert waited_s >= SLOW_S  # it finished only after the slow migration had run
    assert waiter["latest"] == migrator["latest"] == discover(packaged)[-1].version


def test_second_deploy_applies_nothing(packaged: Path, empty_database_url: str) -> None:
    handler({}, None)
    assert handler({}, None)["applied"] == []
    with psycopg.connect(empty_database_url) as conn:
        count = conn.execute("SELECT count(*) FROM schema_migrations").fetchone()
    assert count == (len(discover(packaged)),)


def test_refuses_to_run_when_the_migrations_were_not_packaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, empty_database_url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    monkeypatch.setenv("MIGRATIONS_DIR", str(tmp_path / "absent"))
    with pytest.raises(MigrationError, match="no migrations in"):
        handler({}, None)
