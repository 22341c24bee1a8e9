"""Soak: the reliability drills of tests/reliability at scale, on the test stack, printing figures
(expected vs stored, rows stored twice, DLQ count, time to recover). Nothing is skipped; a drill
that loses or doubles anything fails with its assertion.

    .venv/bin/python bench/soak.py [--messages 8000] [--pg-outage 30] [--s3-outage 15] [--photos 40]
    .venv/bin/python bench/soak.py --only worker_kill9 --only poison_among_good

Each drill gets fresh databases and queues; the worker is the real `deeplens.entrypoints.worker`
process. Figures in README (Reliability) and docs/decisions.md."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests package: the drills live there

import psycopg
from deeplens.adapters.migrations import apply_migrations
from devstack.config import StackConfig
from devstack.stack import MIGRATIONS, up

from tests.reliability import drills
from tests.reliability.lab import Figures, Lab


def _drills(args: argparse.Namespace) -> dict[str, Callable[[Lab], Figures]]:
    n = args.messages
    return {
        "duplicate_shuffled": lambda lab: drills.duplicate_shuffled(lab, n),
        "worker_kill9": lambda lab: drills.worker_kill9(lab, n),
        "postgres_outage": lambda lab: drills.postgres_outage(lab, n, args.pg_outage),
        "s3_sqs_outage": lambda lab: drills.s3_sqs_outage(lab, n, args.s3_outage),
        "poison_among_good": lambda lab: drills.poison_among_good(lab, n, poison_each=5),
        "hostile_content": drills.hostile_content,
        "stop_with_media_in_flight": lambda lab: drills.stop_with_media_in_flight(lab, args.photos),
    }


def _template(env: dict[str, str]) -> tuple[str, str]:
    admin = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    name = f"soak_tmpl_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    apply_migrations(admin.rsplit("/", 1)[0] + f"/{name}", MIGRATIONS)
    return admin, name


def main() -> int:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--messages", type=int, default=8000)
    parser.add_argument("--pg-outage", type=float, default=30.0, help="seconds PostgreSQL is unreachable")
    parser.add_argument("--s3-outage", type=float, default=15.0, help="seconds S3 and SQS are unreachable")
    parser.add_argument("--photos", type=int, default=40, help="media downloads in flight at the stop")
    parser.add_argument("--only", action="append", help="run only these drills (repeatable)")
    args = parser.parse_args()
    env = up(StackConfig.load("test"), ("s3rver",))["s3rver"]
    admin, template = _template(env)
    chosen = {name: run for name, run in _drills(args).items() if not args.only or name in args.only}
    try:
        for name, run in chosen.items():
            with tempfile.TemporaryDirectory(prefix=f"soak-{name}-") as work:
                lab = Lab(dict(env), template, Path(work))
                started = time.monotonic()
                try:
                    figures = run(lab)
                finally:
                    lab.close()
                print(f"{figures.line()} [{time.monotonic() - started:.0f}s]", flush=True)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {template} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
