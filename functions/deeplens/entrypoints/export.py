"""`python -m deeplens.entrypoints.export`: chats of the archive into one zip (HTML pages, JSON,
WhatsApp-style text, media), written locally with flat memory and, with `--upload`, put in the
bucket with a presigned download link.

    python -m deeplens.entrypoints.export --chat 4915112345678@s.whatsapp.net --since 2025-01-01 \\
        --until 2025-12-31 --format html,txt --media include --tz Europe/Berlin --out anna.zip
    python -m deeplens.entrypoints.export --all --upload

Progress goes to stderr; stdout gets the zip's path (and the link when uploaded)."""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from datetime import date
from pathlib import Path

from deeplens.bootstrap import export_deps_from
from deeplens.domain.errors import InvalidRequest
from deeplens.domain.export.records import MEDIA_MODES
from deeplens.entrypoints.cli import run_cli
from deeplens.services.export import (
    FORMATS,
    ExportProgress,
    ExportRequest,
    day_end_ms,
    day_start_ms,
    export_file_name,
    upload_export,
    write_export,
)
from deeplens.settings import ExportSettings, load_settings


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(
        prog="python -m deeplens.entrypoints.export", description=__doc__.split("\n")[0]
    )
    which = cli.add_mutually_exclusive_group(required=True)
    which.add_argument("--chat", action="append", metavar="JID", help="a chat to export (repeatable)")
    which.add_argument("--all", action="store_true", help="every chat that has messages")
    cli.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD", help="first day (inclusive)")
    cli.add_argument("--until", type=date.fromisoformat, metavar="YYYY-MM-DD", help="last day (inclusive)")
    cli.add_argument("--format", default=",".join(FORMATS), help=f"comma-separated: {', '.join(FORMATS)}")
    cli.add_argument(
        "--media", choices=MEDIA_MODES, default="include", help="files in the zip, links, or none"
    )
    cli.add_argument("--media-base-url", metavar="URL", help="the archive's address, for --media links")
    cli.add_argument("--tz", default="UTC", metavar="ZONE", help="IANA time zone of dates and times shown")
    cli.add_argument("--per-page", type=int, default=1000, help="messages per HTML page at most")
    cli.add_argument("--out", type=Path, help="the zip to write (default: deeplens-export-<time>.zip)")
    cli.add_argument("--upload", action="store_true", help="also put it in the bucket and print a link")
    return cli


def request_from(args: argparse.Namespace) -> ExportRequest:
    formats = tuple(part.strip() for part in str(args.format).split(",") if part.strip())
    request = ExportRequest(
        chats=None if args.all else tuple(args.chat),
        since=day_start_ms(args.since, args.tz) if args.since else None,
        until=day_end_ms(args.until, args.tz) if args.until else None,
        formats=formats,
        media=args.media,
        time_zone=args.tz,
        media_base_url=args.media_base_url,
        per_page=args.per_page,
    )
    request.check()
    return request


class _Reporter:
    """One progress line on stderr at most every half second (and the last one)."""

    def __init__(self) -> None:
        self.shown = 0.0

    def __call__(self, progress: ExportProgress) -> None:
        now = time.monotonic()
        if now - self.shown < 0.5 and progress.chats_done < progress.chats_total:
            return
        self.shown = now
        sys.stderr.write(
            f"export: chat {min(progress.chats_done + 1, progress.chats_total)}/{progress.chats_total}"
            f" {progress.chat or ''} - {progress.messages_done}/{progress.messages_total} messages,"
            f" {progress.files} files ({progress.missing_files} missing)\n"
        )


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    try:
        request = request_from(args)
    except InvalidRequest as error:
        parser().error(error.message)
    deps = export_deps_from(load_settings(ExportSettings))
    out: Path = args.out or Path(export_file_name())
    partial = out.with_name(out.name + ".part")
    try:
        with partial.open("wb") as handle:
            write_export(deps, request, handle, _Reporter())
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    sys.stdout.write(f"{out}\n")
    if args.upload:
        key, link = upload_export(deps, out, f"{out.stem}-{uuid.uuid4().hex[:8]}")
        sys.stdout.write(f"uploaded: s3://{deps.media.bucket}/{key}\n{link}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_cli(main))
