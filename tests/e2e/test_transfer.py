"""Import and export in Chromium against the real local stack (frontend/e2e/transfer.mjs drives the
page): a WhatsApp export zip built here (the importer's test builders, a real JPEG) is checked
first (a dry run whose sender review gives the unknown sender a number), then uploaded again
through the API into a new chat, the job publishes, this test plays the ingest worker when the page
shows "Adding to the archive", the summary shows and the chat opens with its photo; then the chat
is exported from the same view, the zip downloaded, unpacked and its pages opened from the file
system (frontend/e2e/export-offline.mjs): the messages and the photo are there, no script runs."""

from __future__ import annotations

import io
import json
import os
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

from deeplens.adapters.queue import Queue, make_sqs_client
from deeplens.settings import QueueSettings, S3Settings
from PIL import Image

from tests.e2e.stack import FRONTEND, RunningApi, ingest_until_drained, run_journey
from tests.support import settings_from
from tests.unit.domain.chat_export.builders import android_line, export_text, zip_bytes

CHAT = "Lake trip 2019"
TEXT = "What a view from the boat"
PHOTO_NAME = "IMG-20190706-WA0003.jpg"


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def _export_zip(folder: Path) -> Path:
    lines = [
        android_line(datetime(2019, 7, 6, 9, 0), None, "Messages and calls are end-to-end encrypted."),
        android_line(datetime(2019, 7, 6, 9, 1), "Lena", TEXT),
        android_line(datetime(2019, 7, 6, 9, 2), "Me", f"{PHOTO_NAME} (file attached)\nthe lake at noon"),
        android_line(datetime(2019, 7, 6, 9, 3), "Lena", "This message was deleted"),
        android_line(datetime(2019, 7, 6, 9, 4), "Lena", "Same time next year?"),
    ]
    path = folder / f"WhatsApp Chat with {CHAT}.zip"
    path.write_bytes(
        zip_bytes({f"WhatsApp Chat with {CHAT}.txt": export_text(lines).encode(), PHOTO_NAME: _photo()})
    )
    return path


def _queue(env: dict[str, str]) -> Queue:
    sqs = make_sqs_client(settings_from(QueueSettings, env), settings_from(S3Settings, env))
    return Queue(sqs, env["INGEST_QUEUE_URL"])


def _offline(pages: list[Path]) -> list[dict[str, object]]:
    done = subprocess.run(
        ["node", "e2e/export-offline.mjs", *map(str, pages)],
        cwd=FRONTEND, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    shown: list[dict[str, object]] = json.loads(done.stdout.strip().splitlines()[-1])
    return shown


def test_import_then_export_in_the_browser(
    running_api: RunningApi, screenshot_dir: Path, tmp_path: Path
) -> None:
    archive = running_api.archive
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    env = {
        **os.environ,
        "E2E_BASE_URL": running_api.base_url,
        "E2E_PASSWORD": running_api.password,
        "E2E_SCREENSHOTS": str(screenshot_dir),
        "E2E_IMPORT_FILE": str(_export_zip(tmp_path)),
        "E2E_CHAT_NAME": CHAT,
        "E2E_TEXT": TEXT,
        "E2E_DOWNLOAD_DIR": str(downloads),
    }

    def answer(what: str) -> None:
        assert what == "ingest", what
        ingest_until_drained(archive.env, _queue(archive.env))

    code, output = run_journey("transfer.mjs", env, answer)
    assert code == 0, output[-4000:]
    [zip_path] = [line.split(" ", 1)[1] for line in output.splitlines() if line.startswith("DOWNLOADED ")]

    unpacked = tmp_path / "export"
    with zipfile.ZipFile(zip_path) as exported:
        exported.extractall(unpacked)
    [chat_folder] = [path for path in (unpacked / "chats").iterdir() if path.is_dir()]
    assert (chat_folder / f"WhatsApp Chat with {CHAT}.txt").is_file()
    [page] = sorted((chat_folder / "pages").glob("*.html"))
    assert CHAT in (unpacked / "index.html").read_text()
    [shown] = _offline([page])
    assert any(TEXT in str(article) for article in shown["articles"])  # type: ignore[union-attr]
    images = shown["images"]
    assert isinstance(images, list) and images and all(image["loaded"] for image in images), images
    assert shown["scripts"] == 0 and shown["dialogs"] == [] and not shown["pwned"]
