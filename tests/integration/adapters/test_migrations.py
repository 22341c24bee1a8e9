from __future__ import annotations

import shutil
import threading
from pathlib import Path

import psycopg
import pytest
from deeplens.adapters.migrations import apply_migrations, discover
from deeplens.domain.errors import MigrationError
from devstack.stack import MIGRATIONS

EXPECTED_TABLES = {
    "schema_migrations",
    "tracking_config",
    "chats",
    "messages",
    "message_versions",
    "reactions",
    "contacts",
    "jid_aliases",
    "group_participants",
    "media",
    "connector_status",
    "connection_events",
    "message_marks",
    "applied_batches",
    "poll_votes",
    "ingest_rejections",
}


def _tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return {row[0] for row in rows}


def test_every_table_exists_when_migrations_applied_to_empty_database(
    empty_database_url: str,
) -> None:
    applied = apply_migrations(empty_database_url, MIGRATIONS)
    assert applied == [m.version for m in discover(MIGRATIONS)]
    assert _tables(empty_database_url) >= EXPECTED_TABLES


def test_nothing_applied_when_run_twice(empty_database_url: str) -> None:
    apply_migrations(empty_database_url, MIGRATIONS)
    assert apply_migrations(empty_database_url, MIGRATIONS) == []


def test_each_migration_applied_once_when_runners_race(empty_database_url: str) -> None:
    results: list[list[int]] = []
    runners = [
        threading.Thread(target=lambda: results.append(apply_migrations(empty_database_url, MIGRATIONS)))
        for _ in range(4)
    ]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    assert sorted(len(r) for r in results)[:-1] == [0, 0, 0]
    with psycopg.connect(empty_database_url) as conn:
        count = conn.execute("SELECT count(*) FROM schema_migrations").fetchone()
    assert count is not None and count[0] == len(discover(MIGRATIONS))


def test_refuses_when_applied_migration_was_edited(empty_database_url: str, tmp_path: Path) -> None:
    copy = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, copy)
    apply_migrations(empty_database_url, copy)
    first = sorted(copy.glob("*.sql"))[0]
    first.write_text(first.read_text() + "\n-- edited\n")
    with pytest.raises(MigrationError, match="changed after it was applied"):
        apply_migrations(empty_database_url, copy)


def test_refuses_when_file_name_is_not_numbered(tmp_path: Path) -> None:
    (tmp_path / "init.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match=r"NNNN_name\.sql"):
        discover(tmp_path)


def test_failed_migration_leaves_nothing_behind_when_sql_is_broken(
    empty_database_url: str, tmp_path: Path
) -> None:
    (tmp_path / "0001_ok.sql").write_text("CREATE TABLE first_table (id int);")
    (tmp_path / "0002_broken.sql").write_text("CREATE TABLE second_table (id nonsense_type);")
    with pytest.raises(psycopg.errors.UndefinedObject):
        apply_migrations(empty_database_url, tmp_path)
    assert "first_table" not in _tables(empty_database_url)


def test_concurrent_index_built_outside_a_transaction_when_the_file_says_so(
    empty_database_url: str, tmp_path: Path
) -> None:
    (tmp_path / "0001_table.sql").write_text("CREATE TABLE notes (id int, body text);")
    (tmp_path / "0002_index.sql").write_text(
        "-- deeplens: no-transaction\n"
        "-- a failed CONCURRENTLY build leaves an invalid index: drop it first, so a rerun works\n"
        "DROP INDEX CONCURRENTLY IF EXISTS notes_body;\n"
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS notes_body ON notes (body);\n"
    )
    (tmp_path / "0003_after.sql").write_text("ALTER TABLE notes ADD COLUMN seen boolean;")
    assert apply_migrations(empty_database_url, tmp_path) == [1, 2, 3]
    with psycopg.connect(empty_database_url) as conn:
        valid = conn.execute(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 'notes_body'::regclass"
        ).fetchone()
        recorded = conn.execute("SELECT checksum FROM schema_migrations WHERE version = 2").fetchone()
    assert valid == (True,)
    assert recorded is not None and recorded[0] == discover(tmp_path)[1].checksum
    assert apply_migrations(empty_database_url, tmp_path) == []


def test_failed_no_transaction_migration_is_not_recorded_and_reruns_once_fixed(
    empty_database_url: str, tmp_path: Path
) -> None:
    (tmp_path / "0001_table.sql").write_text("CREATE TABLE notes (id int);")
    broken = tmp_path / "0002_index.sql"
    broken.write_text("-- deeplens: no-transaction\nCREATE INDEX CONCURRENTLY notes_x ON notes (missing);\n")
    with pytest.raises(MigrationError, match=r"0002_index \(no-transaction\), statement 1"):
        apply_migrations(empty_database_url, tmp_path)
    with psycopg.connect(empty_database_url) as conn:
        versions = conn.execute("SELECT version FROM schema_migrations").fetchall()
    assert versions == [(1,)]  # the transactional file before it stays applied
    broken.write_text("-- deeplens: no-transaction\nCREATE INDEX CONCURRENTLY notes_x ON notes (id);\n")
    assert apply_migrations(empty_database_url, tmp_path) == [2]
