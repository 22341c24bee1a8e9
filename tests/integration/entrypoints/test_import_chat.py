"""The import CLI through the real stack: a zip export with a photo -> media bucket + event log +
queue -> the ingest handler -> rows. A message already archived from live traffic is matched, not
duplicated; importing again adds nothing; a bad file publishes nothing."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.adapters.queue import Queue
from deeplens.bootstrap import make_pool
from deeplens.domain.errors import InvalidExport, TransientError
from deeplens.entrypoints.import_chat import parser, run, summary_text
from deeplens.entrypoints.ingest import handler
from deeplens.entrypoints.worker import LocalContext
from deeplens.services.event_source import poll_once
from deeplens.services.import_chat import ImportDeps, ImportSummary
from deeplens.services.ingest import IngestDeps
from deeplens.settings import S3Settings

from tests import factories as f
from tests.integration.entrypoints.test_ingest_handler import aws_event
from tests.integration.services.test_ingest_archive import inline_record, rows
from tests.support import settings_from
from tests.unit.domain.chat_export.builders import LRM, android_line, export_text, zip_bytes

PHOTO = b"\xff\xd8\xff\xe0" + os.urandom(5000)
LIVE_AT = datetime(2025, 11, 24, 17, 0)  # f.T0 is 2025-11-24 16:00 UTC = 17:00 in Berlin


def _export(tmp_path: Path) -> Path:
    lines = [
        android_line(datetime(2025, 11, 24, 16, 58), None, "Messages and calls are end-to-end encrypted."),
        android_line(datetime(2025, 11, 24, 16, 59), "Sample User", "before the live one\nsecond line"),
        android_line(LIVE_AT, "Sample User", "hello"),  # archived live at f.T0: matched
        android_line(LIVE_AT, "Me", f"{LRM}IMG-20251124-WA0001.jpg (file attached)\nthe view"),
        android_line(datetime(2025, 11, 24, 17, 2), "Me", "PTT-20251124-WA0002.opus (file attached)"),
        android_line(datetime(2025, 11, 24, 17, 3), "Sample User", "This message was deleted"),
        android_line(datetime(2025, 11, 24, 17, 4), "Sample User", "bye  for now"),
    ]
    path = tmp_path / "WhatsApp Chat with Sample User.zip"
    path.write_bytes(zip_bytes({"WhatsApp Chat with Sample User.txt": export_text(lines).encode(),
                                "IMG-20251124-WA0001.jpg": PHOTO}))  # fmt: skip
    return path


@pytest.fixture
def media_store(stack_env: dict[str, str]) -> ObjectStore:
    settings: S3Settings = settings_from(S3Settings, stack_env)
    return ObjectStore(make_s3_client(settings), settings.minio_bucket)


@pytest.fixture
def import_deps(
    database_url: str, events_store: ObjectStore, media_store: ObjectStore,
    local_queue_pair: Callable[..., tuple[Queue, Queue]],
) -> Iterator[ImportDeps]:  # fmt: skip
    queue, _ = local_queue_pair()
    pool = make_pool(database_url, max_size=2)
    yield ImportDeps(pool, media_store, events_store, queue, f.SESSION)
    pool.close()


def _drain(queue: Queue, deps: IngestDeps) -> int:
    def invoke(event: dict[str, Any], context: Any) -> Mapping[str, Any]:
        return handler(event, context, deps)

    applied = 0
    while (result := poll_once(queue, invoke, LocalContext(), region="us-east-1", wait_s=1)).received:
        assert result.failed == 0
        applied += result.deleted
    return applied


def _import(path: Path, deps: ImportDeps, *extra: str) -> ImportSummary:
    args = parser().parse_args([str(path), "--chat", f.PN, "--me", "Me", "--tz", "Europe/Berlin", *extra])
    return run(args, deps)


def test_import_matches_live_copy_then_imports_nothing_twice(
    tmp_path: Path, database_url: str, make_deps: Callable[..., IngestDeps], import_deps: ImportDeps,
    media_store: ObjectStore,
) -> None:  # fmt: skip
    ingest = make_deps(database_url)
    live = f.message(f.PN, "LIVE1", f.PN, f.T0 + 12_345, "hello", push_name="Sample User")
    assert handler(aws_event(inline_record([live], "live1")), LocalContext(), ingest) == {
        "batchItemFailures": []
    }
    path = _export(tmp_path)

    summary = _import(path, import_deps)
    assert (summary.messages, summary.imported, summary.matched, summary.already_imported) == (5, 4, 1, 0)
    assert dict(summary.skipped) == {"system line: encryption notice": 1, "deleted message": 1}
    assert (summary.media_stored, summary.media_missing) == (1, 1)
    assert summary.senders["Sample User"].how == "direct chat" and summary.senders["Me"].from_me
    assert "matched archived copies 1" in summary_text(summary)
    assert _drain(import_deps.queue, ingest) == len(summary.batch_keys) == 1  # type: ignore[arg-type]

    messages = rows(
        database_url, "SELECT source, from_me, message_type, text_body FROM messages ORDER BY timestamp, id"
    )
    assert messages == [
        ("import", False, "text", "before the live one\nsecond line"),
        ("import", True, "image", "the view"),  # 17:00:00.001: the file's minute, 2nd line in it
        ("live", False, "text", "hello"),  # 17:00:12.345
        ("import", True, "voice", None),
        ("import", False, "text", "bye  for now"),
    ]
    [(key, size)] = rows(database_url, "SELECT bucket_key, size FROM media WHERE status = 'stored'")
    assert media_store.get(key) == PHOTO and size == len(PHOTO)

    again = _import(path, import_deps)
    assert (again.imported, again.already_imported, again.matched, again.published) == (0, 4, 1, False)
    assert rows(database_url, "SELECT count(*) FROM messages") == [(5,)]


def test_a_bad_file_publishes_nothing(tmp_path: Path, import_deps: ImportDeps, database_url: str) -> None:
    good = _export(tmp_path).read_bytes()
    broken = tmp_path / "broken.zip"
    broken.write_bytes(good[: len(good) - 40])
    with pytest.raises(InvalidExport, match=r"broken\.zip: not a readable zip"):
        _import(broken, import_deps)
    assert import_deps.queue.receive(10, wait_s=0) == []  # type: ignore[attr-defined]
    assert rows(database_url, "SELECT count(*) FROM messages") == [(0,)]


def test_the_command_line_reports_a_bad_file_in_one_line(tmp_path: Path, stack_env: dict[str, str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Dear diary,\nno chat here.\n")
    env = {
        **os.environ,
        **stack_env,
        "INGEST_QUEUE_URL": stack_env.get("INGEST_QUEUE_URL", "http://127.0.0.1:1/q"),
    }
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "deeplens.entrypoints.import_chat", str(notes), "--chat", f.PN, "--dry-run"],
        capture_output=True, text=True, env=env, check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        "InvalidExport: notes.txt line 1: not a WhatsApp chat export (no line starts with a date and time"
        " like '31/12/20, 23:59 - Name: text' or '[31/12/20, 23:59:59] Name: text')"
    )
    assert time.monotonic() - started < 30
    assert io  # the module's imports stay used when tests are deselected


def test_a_publish_cut_off_halfway_is_completed_by_running_the_import_again(
    tmp_path: Path, database_url: str, make_deps: Callable[..., IngestDeps], import_deps: ImportDeps,
) -> None:  # fmt: skip
    """Every batch object is written before the first pointer is sent, and every id comes from the
    file: when the queue fails after the first pointer, ingest can apply only that batch; running
    the import again sends the rest, and the chat ends with every message once."""
    start = datetime(2024, 1, 1, 8, 0)
    lines = [android_line(start + timedelta(minutes=n), "Sample User", f"message {n}") for n in range(2500)]
    path = tmp_path / "WhatsApp Chat with Sample User.txt"
    path.write_text(export_text(lines))
    assert isinstance(import_deps.queue, Queue)
    sent: list[int] = []

    def cut_after_the_first(**_: Any) -> None:
        sent.append(1)
        if len(sent) == 2:
            raise EndpointConnectionError(endpoint_url="the queue went away")

    import_deps.queue._client.meta.events.register("before-call.sqs.SendMessage", cut_after_the_first)
    with pytest.raises(TransientError, match="the queue went away"):
        _import(path, import_deps)
    ingest = make_deps(database_url)
    assert _drain(import_deps.queue, ingest) == 1  # one batch of BATCH_EVENTS (1,000) so far
    assert rows(database_url, "SELECT count(*) FROM messages") == [(1000,)]

    again = _import(path, import_deps)
    assert (again.already_imported, again.imported) == (1000, 1500)
    _drain(import_deps.queue, ingest)
    assert rows(database_url, "SELECT count(*), count(DISTINCT text_body) FROM messages") == [(2500, 2500)]
    assert _import(path, import_deps).imported == 0
