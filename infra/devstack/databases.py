"""Scratch databases on the stack's PostgreSQL, for benchmarks and tools: created migrated under a
unique name, dropped by URL (FORCE: a benchmark's leftover connections do not keep it alive)."""

from __future__ import annotations

import uuid

import psycopg
from deeplens.adapters.migrations import apply_migrations

from devstack.stack import MIGRATIONS


def database_url(any_url: str, name: str) -> str:
    """The URL of database `name` on the server of `any_url`."""
    return any_url.rsplit("/", 1)[0] + f"/{name}"


def create_database(admin_url: str, prefix: str, *, migrate: bool = True) -> str:
    """A new database `{prefix}_{random}` (migrated unless told not to); returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = database_url(admin_url, name)
    if migrate:
        apply_migrations(url, MIGRATIONS)
    return url


def drop_database(admin_url: str, url: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")
