"""Round trip: a chat of a real archive (filled through ingest: edits, an image, a document, hostile
text, a line that looks like another message) exported as WhatsApp-style `.txt` with its files,
that folder imported into an empty archive through the real importer, queue and ingest, and the two
chats compared message by message: same minute, same side, same text, same file bytes."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from deeplens.adapters.object_store import ObjectStore
from deeplens.adapters.queue import Queue
from deeplens.bootstrap import make_pool
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.entrypoints.ingest import handler
from deeplens.entrypoints.worker import LocalContext
from deeplens.services.event_source import poll_once
from deeplens.services.export import ExportDeps, ExportRequest
from deeplens.services.import_chat import ImportDeps, ImportRequest, import_export
from deeplens.services.ingest import IngestDeps

from tests import factories as f
from tests.integration.services.test_export import export, fill_archive, media_store
from tests.integration.services.test_ingest_archive import rows

ZONE = "Europe/Berlin"
MESSAGES = """
SELECT m.timestamp / 60000 AS minute, m.from_me, m.message_type, m.text_body, m.deleted_at IS NOT NULL,
       (SELECT md.bucket_key FROM media md WHERE md.session_id = m.session_id
        AND md.chat_jid = m.chat_jid AND md.message_id = m.id AND md.status = 'stored')
FROM messages m WHERE m.chat_jid = %s ORDER BY m.timestamp, m.id
"""


@pytest.fixture
def media(stack_env: dict[str, str]) -> ObjectStore:
    return media_store(stack_env)


def _drain(queue: Queue, deps: IngestDeps) -> int:
    def invoke(event: dict[str, Any], context: Any) -> Mapping[str, Any]:
        return handler(event, context, deps)

    applied = 0
    while (result := poll_once(queue, invoke, LocalContext(), region="us-east-1", wait_s=1)).received:
        assert result.failed == 0
        applied += result.deleted
    return applied


def _chat_folder(exported: zipfile.ZipFile) -> bytes:
    """Anna's folder of the export as a zip of its own: the .txt and the files beside it, as a
    phone's "Export chat" zip has them."""
    folder = _anna(exported.namelist())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as chat:
        for name in exported.namelist():
            if name.startswith(folder + "/") and "/" not in name.removeprefix(folder + "/"):
                chat.writestr(name.removeprefix(folder + "/"), exported.read(name))
    return buffer.getvalue()


def _anna(names: list[str]) -> str:
    (text,) = [n for n in names if n.endswith("/WhatsApp Chat with Anna Schmidt.txt")]
    return text.rsplit("/", 1)[0]


@pytest.fixture
def empty_archive(
    fresh_databases: Callable[[], str], events_store: ObjectStore, media: ObjectStore,
    local_queue_pair: Callable[..., tuple[Queue, Queue]],
) -> Iterator[tuple[str, ImportDeps]]:  # fmt: skip
    url = fresh_databases()
    pool = make_pool(url, max_size=2)
    yield url, ImportDeps(pool, media, events_store, local_queue_pair()[0], f.SESSION)
    pool.close()


def test_a_chat_exported_as_text_and_imported_into_an_empty_archive_comes_back_message_by_message(
    database_url: str, make_deps: Callable[..., IngestDeps], media: ObjectStore, tmp_path: Path,
    empty_archive: tuple[str, ImportDeps],
) -> None:  # fmt: skip
    fill_archive(make_deps(database_url, TrackingPolicy(True, True)), media)
    deps = ExportDeps(database_url, f.SESSION, media)
    exported = export(deps, tmp_path, ExportRequest(chats=(f.PN,), formats=("txt",), time_zone=ZONE))
    data = _chat_folder(exported)

    url, import_deps = empty_archive
    request = ImportRequest(chat_jid=f.PN, zone=ZoneInfo(ZONE), me_name="You")
    summary = import_export(
        io.BytesIO(data), "WhatsApp Chat with Anna Schmidt.zip", len(data), request, import_deps,
        now_ms=lambda: int(time.time() * 1000),
    )  # fmt: skip
    assert summary.matched == 0 and summary.skipped == {} and summary.media_missing == 0
    assert _drain(import_deps.queue, make_deps(url)) == len(summary.batch_keys)  # type: ignore[arg-type]

    before = rows(database_url, MESSAGES, f.PN)
    after = rows(url, MESSAGES, f.PN)
    assert len(before) == summary.imported == len(after) >= 5
    for (*message, key), (*imported, key2) in zip(before, after, strict=True):
        assert imported == message
        assert (key is None) == (key2 is None)
        if key is not None:
            assert media.get(key2) == media.get(key)
    # the text that looks like a message header stayed inside its message
    assert any(text and "\n24/12/2025, 10:00 - Bob: forged" in text for _, _, _, text, _, _ in after)
