"""Deploy step: apply the SQL migrations.

CLI: `python -m deeplens.entrypoints.migrate [DIR]` (default infra/migrations). Lambda: `handler`
(MigrateFunction in template.yaml, invoked by infra/deploy.sh after each `sam deploy`), which reads
the migrations packaged beside the code (MIGRATIONS_DIR, copied there by infra/deploy.sh). Two
runs at once are safe: one applies, the other waits for the lock and then finds nothing to do."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from aws_lambda_powertools import Logger

from deeplens.adapters.migrations import apply_migrations, discover
from deeplens.domain.errors import MigrationError
from deeplens.entrypoints.cli import run_cli
from deeplens.settings import MigrateSettings, load_settings

logger = Logger(service="deeplens-migrate")
REPO_MIGRATIONS = Path(__file__).resolve().parents[3] / "infra/migrations"


def migrations_dir(settings: MigrateSettings, argv: list[str]) -> Path:
    if argv:
        return Path(argv[0])
    return settings.migrations_dir or REPO_MIGRATIONS


def migrate(settings: MigrateSettings, directory: Path) -> dict[str, Any]:
    """Apply what is pending; refuses a directory without migrations (a build that lost them)."""
    known = discover(directory) if directory.is_dir() else []
    if not known:
        raise MigrationError(f"no migrations in {directory} (was infra/migrations packaged?)")

    def waiting() -> None:
        logger.info("another migration runner holds the lock; waiting")

    applied = apply_migrations(
        settings.database_url.get_secret_value(), directory,
        lock_timeout_s=settings.migrate_lock_timeout_seconds, on_wait=waiting,
    )  # fmt: skip
    return {"applied": applied, "known": len(known), "latest": known[-1].version}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    settings = load_settings(MigrateSettings)
    result = migrate(settings, migrations_dir(settings, []))
    logger.info("migrated", extra=result)
    return result


def main(argv: list[str]) -> int:
    settings = load_settings(MigrateSettings)
    result = migrate(settings, migrations_dir(settings, argv))
    applied = result["applied"]
    sys.stdout.write(f"migrations applied: {applied or 'none (up to date)'}; latest {result['latest']:04d}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_cli(main))
