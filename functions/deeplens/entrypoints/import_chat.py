"""Import a WhatsApp chat export into the archive through the event log and the ingest queue.

    python -m deeplens.entrypoints.import_chat "WhatsApp Chat with Sample User.zip" \\
        --chat 4915112345678@s.whatsapp.net --me "My Name" --tz Europe/Berlin

Senders are matched by name and phone number; `--map "Name=JID"` settles the rest (run with
`--dry-run` first to see who would get a synthetic id). Exit code 2 names what is wrong with a file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.adapters.queue import Queue, make_sqs_client
from deeplens.bootstrap import make_pool
from deeplens.domain.chat_export.dates import DateOrder
from deeplens.domain.chat_export.identity import parse_mapping
from deeplens.domain.errors import InvalidExport
from deeplens.entrypoints.cli import run_cli
from deeplens.services.import_chat import (
    ImportDeps,
    ImportRequest,
    ImportSummary,
    applied_batches,
    import_export,
)
from deeplens.settings import ImportSettings, load_settings

_ZONEINFO_ROOTS = ("/usr/share/zoneinfo/", "/usr/lib/zoneinfo/")


def host_zone() -> ZoneInfo:
    """The machine's time zone: $TZ, /etc/timezone, the /etc/localtime link, else UTC."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    timezone_file = Path("/etc/timezone")
    if timezone_file.is_file():
        candidates.append(timezone_file.read_text().strip())
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        candidates += [target.split(root, 1)[1] for root in _ZONEINFO_ROOTS if root in target]
    for name in candidates:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def _zone(name: str | None) -> ZoneInfo:
    if not name:
        return host_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidExport(
            f"--tz {name!r}: not a time zone (e.g. Europe/Berlin, America/New_York)"
        ) from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="import_chat", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("file", type=Path, help="the export: .txt, or .zip with media")
    p.add_argument("--chat", required=True, help="the chat's JID (an archived chat, or a new one)")
    p.add_argument("--chat-name", help="name for a chat new to the archive")
    p.add_argument("--me", help="the exporter's own name as the file shows it (those lines are yours)")
    p.add_argument("--me-jid", help="your own JID (default: the linked account's)")
    p.add_argument(
        "--map", action="append", default=[], metavar="NAME=JID", help="a sender's JID (repeatable)"
    )
    p.add_argument("--tz", help="the phone's time zone (default: this machine's)")
    p.add_argument("--date-order", choices=get_args(DateOrder), help="override the file's detected order")
    p.add_argument("--encoding", help="the file's encoding when it is not UTF-8/UTF-16")
    p.add_argument("--dry-run", action="store_true", help="parse and match, publish nothing")
    p.add_argument("--wait", type=float, default=0, metavar="SECONDS", help="wait for ingest to apply it")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    return p


def deps_from(settings: ImportSettings) -> ImportDeps:
    s3 = make_s3_client(settings)
    return ImportDeps(
        pool=make_pool(settings.database_url.get_secret_value(), max_size=2),
        media=ObjectStore(s3, settings.minio_bucket),
        events=ObjectStore(s3, settings.events_bucket),
        queue=Queue(make_sqs_client(settings, settings), str(settings.ingest_queue_url)),
        session=settings.session_id,
    )


def request_from(args: argparse.Namespace) -> ImportRequest:
    return ImportRequest(
        chat_jid=args.chat,
        zone=_zone(args.tz),
        chat_name=args.chat_name,
        me_name=args.me,
        me_jid=args.me_jid,
        mapping=parse_mapping(args.map),
        date_order=args.date_order,
        encoding=args.encoding,
        dry_run=args.dry_run,
    )


def run(args: argparse.Namespace, deps: ImportDeps) -> ImportSummary:
    path: Path = args.file
    if not path.is_file():
        raise InvalidExport(f"{path}: no such file")
    with path.open("rb") as handle:
        return import_export(handle, path.name, path.stat().st_size, request_from(args), deps,
                             now_ms=lambda: int(time.time() * 1000))  # fmt: skip


def wait_applied(deps: ImportDeps, summary: ImportSummary, seconds: float) -> int:
    """Ingest's progress on the import's batches, printed as it moves; the count applied."""
    deadline = time.monotonic() + seconds
    total = len(summary.batch_keys)
    done = -1
    while True:
        now_done = applied_batches(deps.pool, deps.session, summary.batch_keys)
        if now_done != done:
            sys.stderr.write(f"ingest: {now_done}/{total} batches applied\n")
            done = now_done
        if done >= total or time.monotonic() >= deadline:
            return done
        time.sleep(0.5)


def summary_dict(summary: ImportSummary) -> dict[str, Any]:
    return {
        "file": summary.file,
        "chat": summary.chat_jid,
        "lines": summary.lines,
        "messages": summary.messages,
        "imported": summary.imported,
        "already_imported": summary.already_imported,
        "matched": summary.matched,
        "skipped": dict(sorted(summary.skipped.items())),
        "media": {"stored": summary.media_stored, "missing": summary.media_missing},
        "date_order": summary.date_order,
        "senders": {
            name: {"jid": s.jid, "from_me": s.from_me, "how": s.how} for name, s in summary.senders.items()
        },
        "batches": summary.batch_keys,
        "published": summary.published,
    }


def summary_text(summary: ImportSummary) -> str:
    lines = [
        f"{summary.file} -> {summary.chat_jid}: {summary.lines} lines, {summary.messages} messages",
        f"  imported {summary.imported}, already imported {summary.already_imported},"
        f" matched archived copies {summary.matched}",
        f"  media: {summary.media_stored} stored, {summary.media_missing} not in the export",
        f"  dates: {summary.date_order}",
    ]
    lines += [f"  skipped {count}: {reason}" for reason, count in sorted(summary.skipped.items())]
    for name, sender in summary.senders.items():
        note = "  <- unmatched: add --map" if sender.how == "synthetic" else ""
        lines.append(f"  sender {name!r} = {sender.jid} ({sender.how}){note}")
    state = f"published in {len(summary.batch_keys)} batches" if summary.published else "nothing published"
    lines.append(f"  {state}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    deps = deps_from(load_settings(ImportSettings))
    try:
        summary = run(args, deps)
        if summary.published and args.wait > 0:
            wait_applied(deps, summary, args.wait)
    finally:
        deps.pool.close()
    out = (
        json.dumps(summary_dict(summary), ensure_ascii=False, indent=2) + "\n"
        if args.json
        else summary_text(summary)
    )
    sys.stdout.write(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(run_cli(main))
