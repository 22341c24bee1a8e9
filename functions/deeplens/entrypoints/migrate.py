"""Deploy step: `python -m deeplens.entrypoints.migrate [DIR]` applies the SQL migrations."""

from __future__ import annotations

import sys
from pathlib import Path

from deeplens.adapters.migrations import apply_migrations
from deeplens.entrypoints.cli import run_cli
from deeplens.settings import MigrateSettings, load_settings


def main(argv: list[str]) -> int:
    settings = load_settings(MigrateSettings)
    directory = Path(argv[0]) if argv else Path(__file__).resolve().parents[3] / "infra/migrations"
    applied = apply_migrations(settings.database_url.get_secret_value(), directory)
    sys.stdout.write(f"migrations applied: {applied or 'none (up to date)'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_cli(main))
