"""`make run`: one connector process per active account (issue #15), started and stopped as the
`accounts` table changes, the others left running.

Every few seconds (DEEPLENS_ACCOUNTS_SECONDS, default 3) the table is read: an active account
without a connector gets one, a paused or deleted account's connector is stopped, an account whose
settings changed (its tracking defaults) is restarted. Each connector gets its account as
SESSION_ID, its own session store (SESSION_STORE_URL itself for the primary account SESSION_ID, a
database of its own beside it for the others: domain.accounts.session_store_url; created here when
missing) and its own spool directory; the crash/restart policy is Parts' as for every part.
An account that leaves the table (deleted through the API) also loses, once its connector is
stopped, its own session store database (DROP DATABASE; never SESSION_STORE_URL, the primary's)
and its own spool directory (never the primary's `connector-spool`): batches an account's
connector still held would otherwise be sent under an account added later with the same id.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import psycopg
from deeplens.adapters import account_store
from deeplens.domain.accounts import session_store_url
from psycopg import sql

from devstack.parts import Part, Parts

DEFAULT_POLL_S = 3.0
TAG_PREFIX = "connector"


@dataclass(frozen=True)
class AccountsSource:
    """Where the accounts are read from, and what a fresh installation's first account is."""

    database_url: str
    primary: str


def connector_envs(
    rows: list[dict[str, Any]], env: Mapping[str, str], primary: str
) -> dict[str, dict[str, str]]:
    """The environment each active account's connector runs with, by account id."""
    wanted = {}
    for row in rows:
        if row["state"] != "active":
            continue
        account = str(row["id"])
        own = {
            "SESSION_ID": account,
            "SESSION_STORE_URL": session_store_url(env["SESSION_STORE_URL"], account, primary),
        }
        spool = account_spool(env, account, primary)
        if spool is not None:
            own["CONNECTOR_SPOOL_DIR"] = str(spool)
        for column, variable in (
            ("track_groups", "DEFAULT_TRACK_GROUPS"),
            ("track_private", "DEFAULT_TRACK_PRIVATE"),
        ):
            if row.get(column) is not None:
                own[variable] = "true" if row[column] else "false"
        wanted[account] = own
    return wanted


def account_spool(env: Mapping[str, str], account: str, primary: str) -> Path | None:
    """The spool directory of an account other than the primary (`connector-spool-{id}` beside the
    primary's); None for the primary, which keeps the spool an installation with one account had."""
    if account == primary:
        return None
    spool = Path(
        env.get("CONNECTOR_SPOOL_DIR") or Path(env.get("DEEPLENS_DATA_DIR", ".data")) / "connector-spool"
    )
    return spool.parent / f"{spool.name}-{account}"


def tag_of(account: str, primary: str) -> str:
    """The output prefix: `connector` for the primary account (as before), `connector:{id}` else."""
    return TAG_PREFIX if account == primary else f"{TAG_PREFIX}:{account}"


class AccountConnectors:
    """Keeps one `part` process per active account running in `parts`."""

    def __init__(
        self,
        parts: Parts,
        part: Part,
        source: AccountsSource,
        say: Callable[[str], None],
        poll_s: float = DEFAULT_POLL_S,
    ) -> None:
        self.parts, self.part, self.source, self.say, self.poll_s = parts, part, source, say, poll_s
        self.running: dict[str, dict[str, str]] = {}  # account -> the env its connector got
        self.known: set[str] = set()  # the ids of the last read, any state
        self.gone: set[str] = set()  # deleted accounts whose store database and spool remain
        self._next = 0.0

    def due(self) -> bool:
        return time.monotonic() >= self._next

    def poll(self) -> None:
        """Read the accounts and start, stop or restart connectors to match; a database that does
        not answer leaves everything as it is until the next poll."""
        self._next = time.monotonic() + self.poll_s
        try:
            rows = self._accounts()
        except psycopg.Error as error:
            self.say(f"accounts not read ({type(error).__name__}); connectors left as they are")
            return
        wanted = connector_envs(rows, self.parts.env, self.source.primary)
        for account in [a for a in self.running if a not in wanted or wanted[a] != self.running[a]]:
            self._stop(
                account, "restarting: its settings changed" if account in wanted else "paused or deleted"
            )
        for account, env in wanted.items():
            if account not in self.running:
                self._start(account, env)
        ids = {str(row["id"]) for row in rows}
        self.gone = (self.gone | (self.known - ids)) - ids
        self.known = ids
        for account in sorted(self.gone):
            self._remove_leftovers(account)

    def _remove_leftovers(self, account: str) -> None:
        """A deleted account's own store database and spool (its connector already stopped); kept
        for the next poll when the database is still in use."""
        env, primary = self.parts.env, self.source.primary
        store = session_store_url(env["SESSION_STORE_URL"], account, primary)
        try:
            if store != env["SESSION_STORE_URL"]:
                drop_store_database(store)
        except psycopg.Error as error:
            self.say(f"  store of deleted account {account!r} not dropped yet ({type(error).__name__})")
            return
        spool = account_spool(env, account, primary)
        if spool is not None:
            shutil.rmtree(spool, ignore_errors=True)
        self.gone.discard(account)
        self.say(f"  account {account!r} deleted: its own session store and spool removed")

    def _accounts(self) -> list[dict[str, Any]]:
        with psycopg.connect(self.source.database_url, autocommit=True, connect_timeout=5) as conn:
            if not account_store.account_ids(conn):
                account_store.seed_account(conn, self.source.primary)
            return account_store.list_accounts(conn)

    def _start(self, account: str, env: dict[str, str]) -> None:
        ensure_store_database(env["SESSION_STORE_URL"])
        tag = tag_of(account, self.source.primary)
        name = self.part.name if account == self.source.primary else f"connector of {account}"
        pid = self.parts.start(replace(self.part, name=name, tag=tag), env)
        self.running[account] = env
        self.say(f"  connector of {account!r} started (pid {pid}), output as [{tag}]")

    def _stop(self, account: str, why: str) -> None:
        self.parts.stop(tag_of(account, self.source.primary))
        del self.running[account]
        self.say(f"  connector of {account!r} stopped ({why})")


def _admin_and_name(url: str) -> tuple[str, str]:
    head = url.partition("?")[0]
    return head.rsplit("/", 1)[0] + "/postgres", head.rsplit("/", 1)[1]


def ensure_store_database(url: str) -> None:
    """Create the session store database of `url` when it does not exist yet (an account's own)."""
    admin, name = _admin_and_name(url)
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_store_database(url: str) -> None:
    """Drop an account's own session store database (not WITH FORCE: a session still open in it,
    such as a connector that did not stop, fails the drop, which is tried again later)."""
    admin, name = _admin_and_name(url)
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
