"""`make run`'s connectors per account (devstack.account_connectors) on the stack's PostgreSQL: one
process per active account, started and stopped as the accounts table changes, the others left
running. The part is a stand-in that prints its environment (the real connector needs WhatsApp)."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from deeplens.adapters.cache import Cache, make_redis
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.bootstrap import make_pool
from deeplens.domain.accounts import session_store_url
from deeplens.services.accounts import DeleteOptions, delete_account
from deeplens.services.api import ApiDeps
from deeplens.settings import ApiSettings
from devstack.account_connectors import AccountConnectors, AccountsSource
from devstack.output import Terminal
from devstack.parts import Part, Parts

from tests.support import settings_from

PRIMARY = "primary_agent"
FAKE = Part("connector", "connector", "tests.integration.devstack.fake_connector", "-")


@pytest.fixture
def supervisor(
    database_url: str, tmp_path: Path
) -> Iterator[tuple[AccountConnectors, io.BytesIO, list[str]]]:
    store = database_url.replace("postgresql://", "postgres://", 1) + "?sslmode=disable"
    env = {**os.environ, "DATABASE_URL": database_url, "SESSION_STORE_URL": store, "SESSION_ID": PRIMARY,
           "DEEPLENS_DATA_DIR": str(tmp_path)}  # fmt: skip
    env.pop("CONNECTOR_SPOOL_DIR", None)
    out = io.BytesIO()
    said: list[str] = []
    parts = Parts(env, Terminal(out))
    connectors = AccountConnectors(parts, FAKE, AccountsSource(database_url, PRIMARY), said.append, poll_s=0)
    yield connectors, out, said
    parts.stop_all()
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        for account in ("sales", "support"):
            own = session_store_url(store, account, PRIMARY).partition("?")[0]
            conn.execute(f"DROP DATABASE IF EXISTS {own.rsplit('/', 1)[1]} WITH (FORCE)")


def _pid(connectors: AccountConnectors, tag: str) -> int:
    child = next(c for c in connectors.parts.children if c.part.tag == tag)
    assert child.process is not None and child.process.poll() is None
    return child.process.pid


def _printed(out: io.BytesIO, tag: str, expect: str = "SESSION_ID=", timeout_s: float = 10.0) -> str:
    """The last line the part `tag` printed that holds `expect` (waiting for it)."""
    deadline = time.monotonic() + timeout_s
    prefix = f"[{tag}]".encode()
    while time.monotonic() < deadline:
        lines = [line for line in out.getvalue().splitlines() if prefix in line and expect.encode() in line]
        if lines:
            return lines[-1].decode()
        time.sleep(0.05)
    raise AssertionError(f"{tag} printed nothing: {out.getvalue()!r}")


def test_one_connector_per_active_account_started_and_stopped_alone(
    supervisor: tuple[AccountConnectors, io.BytesIO, list[str]], database_url: str, tmp_path: Path
) -> None:
    connectors, out, said = supervisor
    connectors.poll()  # a fresh installation: SESSION_ID becomes its first account
    assert list(connectors.running) == [PRIMARY]
    primary_pid = _pid(connectors, "connector")
    first = _printed(out, "connector")
    assert f"SESSION_ID={PRIMARY}" in first and "CONNECTOR_SPOOL_DIR=-" in first

    with psycopg.connect(database_url) as conn:
        conn.execute("INSERT INTO accounts (id, display_name, track_groups) VALUES ('sales', 'Sales', true)")
    connectors.poll()
    assert sorted(connectors.running) == [PRIMARY, "sales"]
    sales = _printed(out, "connector:sales", "SESSION_ID=sales")
    assert "SESSION_ID=sales" in sales and "DEFAULT_TRACK_GROUPS=true" in sales
    assert f"CONNECTOR_SPOOL_DIR={tmp_path / 'connector-spool-sales'}" in sales
    store = session_store_url(connectors.parts.env["SESSION_STORE_URL"], "sales", PRIMARY)
    assert f"SESSION_STORE_URL={store}" in sales
    with psycopg.connect(store.partition("?")[0].replace("postgres://", "postgresql://", 1)) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)  # its own store database was created
    assert _pid(connectors, "connector") == primary_pid  # the other one was not restarted

    with psycopg.connect(database_url) as conn:
        conn.execute("UPDATE accounts SET track_groups = false WHERE id = 'sales'")
    sales_pid = _pid(connectors, "connector:sales")
    connectors.poll()
    assert _pid(connectors, "connector:sales") != sales_pid  # restarted with its new defaults
    assert "SESSION_ID=sales" in _printed(out, "connector:sales", "DEFAULT_TRACK_GROUPS=false")

    with psycopg.connect(database_url) as conn:
        conn.execute("UPDATE accounts SET state = 'paused' WHERE id = 'sales'")
    connectors.poll()
    assert list(connectors.running) == [PRIMARY]
    assert [c.part.tag for c in connectors.parts.children] == ["connector"]
    assert _pid(connectors, "connector") == primary_pid
    assert any("connector of 'sales' stopped (paused or deleted)" in line for line in said)


def test_connectors_are_left_running_when_the_database_does_not_answer(
    supervisor: tuple[AccountConnectors, io.BytesIO, list[str]],
) -> None:
    connectors, _, said = supervisor
    connectors.poll()
    pid = _pid(connectors, "connector")
    connectors.source = AccountsSource("postgresql://nobody@127.0.0.1:1/none", PRIMARY)
    connectors.poll()
    assert _pid(connectors, "connector") == pid
    assert "accounts not read (OperationalError); connectors left as they are" in said


def _store_exists(database_url: str, store_url: str) -> bool:
    name = store_url.partition("?")[0].rsplit("/", 1)[1]
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def test_a_deleted_account_loses_its_own_store_database_and_spool_never_the_primarys(
    supervisor: tuple[AccountConnectors, io.BytesIO, list[str]], database_url: str, tmp_path: Path
) -> None:
    connectors, _, said = supervisor
    base = connectors.parts.env["SESSION_STORE_URL"]
    with psycopg.connect(database_url) as conn:
        conn.execute("INSERT INTO accounts (id, display_name) VALUES ('sales', 'Sales')")
    connectors.poll()
    sales_store = session_store_url(base, "sales", PRIMARY)
    assert _store_exists(database_url, sales_store)
    for spool in (tmp_path / "connector-spool", tmp_path / "connector-spool-sales"):
        (spool / "held").mkdir(parents=True)
        (spool / "held" / "batch.json").write_text("{}")  # a batch the connector still held

    with psycopg.connect(database_url) as conn:
        conn.execute("UPDATE accounts SET state = 'paused' WHERE id = 'sales'")
    connectors.poll()
    assert _store_exists(database_url, sales_store)  # paused: everything kept
    with psycopg.connect(database_url) as conn:  # what DELETE /api/accounts/sales leaves: no row
        conn.execute("DELETE FROM accounts WHERE id = 'sales'")
    connectors.poll()
    assert not _store_exists(database_url, sales_store)
    assert not (tmp_path / "connector-spool-sales").exists()
    assert (tmp_path / "connector-spool" / "held" / "batch.json").exists()
    assert "  account 'sales' deleted: its own session store and spool removed" in said

    # the primary deleted (another account left): its store is SESSION_STORE_URL and its spool the
    # installation's, both kept
    with psycopg.connect(database_url) as conn:
        conn.execute("INSERT INTO accounts (id, display_name) VALUES ('support', 'Support')")
        conn.execute("DELETE FROM accounts WHERE id = %s", (PRIMARY,))
    connectors.poll()
    assert list(connectors.running) == ["support"]
    assert (tmp_path / "connector-spool" / "held" / "batch.json").exists()
    with psycopg.connect(base.partition("?")[0].replace("postgres://", "postgresql://", 1)) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    assert connectors.gone == set()


def test_after_the_apis_delete_the_supervisor_drops_the_accounts_store_once_nobody_is_in_it(
    supervisor: tuple[AccountConnectors, io.BytesIO, list[str]], database_url: str, stack_env: dict[str, str]
) -> None:
    connectors, _, said = supervisor
    base = connectors.parts.env["SESSION_STORE_URL"]
    connectors.poll()  # the primary account
    with psycopg.connect(database_url) as conn:
        conn.execute("INSERT INTO accounts (id, display_name) VALUES ('sales', 'Sales')")
    connectors.poll()  # its connector and its store
    with psycopg.connect(database_url) as conn:
        conn.execute("UPDATE accounts SET state = 'paused' WHERE id = 'sales'")
    connectors.poll()  # its connector stopped: the API may delete it now
    sales_store = session_store_url(base, "sales", PRIMARY)
    assert _store_exists(database_url, sales_store)
    settings: ApiSettings = settings_from(
        ApiSettings, stack_env, database_url=database_url, admin_password="not used in this test",
        session_id=PRIMARY, session_store_url=base,
    )  # fmt: skip
    pool = make_pool(database_url)
    try:
        media = ObjectStore(make_s3_client(settings), settings.minio_bucket)
        deps = ApiDeps(settings, pool, Cache(make_redis(settings)), media)
        events = ObjectStore(make_s3_client(settings), settings.events_bucket)
        done = delete_account(deps, media, events, "sales", DeleteOptions(confirm="sales", dry_run=False))
    finally:
        pool.close()
    assert done["dry_run"] is False
    with psycopg.connect(sales_store.partition("?")[0].replace("postgres://", "postgresql://", 1)):
        connectors.poll()  # someone is still in the account's store: not dropped, tried again
        assert _store_exists(database_url, sales_store)
        assert "  store of deleted account 'sales' not dropped yet (ObjectInUse)" in said
    connectors.poll()
    assert not _store_exists(database_url, sales_store)
    assert _store_exists(database_url, base)  # the primary's: SESSION_STORE_URL itself
