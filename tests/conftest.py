"""Fixtures shared by every tier. Integration fixtures start the test stack if it is not up."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from deeplens.adapters.migrations import apply_migrations
from devstack.config import StackConfig
from devstack.stack import MIGRATIONS, up

BACKENDS = ("s3rver", "localstack")
TESTS = Path(__file__).resolve().parent
# Every test in these tiers needs the local stack (or, for install, a whole machine).
STACK_TIERS = frozenset({"integration", "e2e", "reliability", "install"})
# The fixtures that start or reach the stack; a test using any of them, directly or through another
# fixture (item.fixturenames is the closure), is an integration test wherever it lives.
STACK_FIXTURES = frozenset(
    {"stack_envs", "stack_env", "backend_env", "template_database", "database_url", "empty_database_url"}
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that need the stack `integration`: `pytest -m "not integration"` is the pure
    tier (seconds, no stack started), `make test` runs both."""
    for item in items:
        try:
            tier = item.path.resolve().relative_to(TESTS).parts[0]
        except ValueError:
            tier = ""
        if tier in STACK_TIERS or STACK_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def stack_envs() -> dict[str, dict[str, str]]:
    """The test stack's variables per S3/SQS backend; starts whatever is not running (idempotent)."""
    return up(StackConfig.load("test"), BACKENDS)


@pytest.fixture(scope="session")
def stack_env(stack_envs: dict[str, dict[str, str]]) -> dict[str, str]:
    return stack_envs["s3rver"]


@pytest.fixture(params=BACKENDS)
def backend_env(request: pytest.FixtureRequest, stack_envs: dict[str, dict[str, str]]) -> dict[str, str]:
    """Run the test once per S3/SQS backend (s3rver + moto, then LocalStack)."""
    return stack_envs[request.param]


def _admin_url(stack_env: dict[str, str], database: str) -> str:
    return stack_env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{database}"


@pytest.fixture(scope="session")
def template_database(stack_env: dict[str, str]) -> Iterator[str]:
    """A migrated database that each test's database is cloned from (fast: a file copy).

    Named per test session, so two pytest runs against one stack don't drop each other's."""
    name = f"tmpl_{uuid.uuid4().hex[:12]}"
    admin = _admin_url(stack_env, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    apply_migrations(_admin_url(stack_env, name), MIGRATIONS)
    yield name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def database_url(stack_env: dict[str, str], template_database: str) -> Iterator[str]:
    """A fresh, migrated database for one test, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = _admin_url(stack_env, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {template_database}")
    yield _admin_url(stack_env, name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def empty_database_url(stack_env: dict[str, str]) -> Iterator[str]:
    """A fresh database without migrations."""
    name = f"e_{uuid.uuid4().hex[:12]}"
    admin = _admin_url(stack_env, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield _admin_url(stack_env, name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(autouse=True)
def _close_the_event_loop_a_test_left_set() -> Iterator[None]:
    """Mangum (the Lambda path) sets a main-thread event loop and keeps it, as Lambda reuses it
    between invocations; a later `asyncio.run()` unsets it and the loop is collected unclosed, a
    ResourceWarning (an error here) charged to whichever test runs the garbage collector. Close the
    loop a test left set (read without creating one: the policy's own slot)."""
    yield
    loop = getattr(getattr(asyncio.get_event_loop_policy(), "_local", None), "_loop", None)
    if loop is not None and not loop.is_running():
        loop.close()
        asyncio.set_event_loop(None)
