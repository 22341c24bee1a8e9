"""Exporting a real archive (filled through ingest, media in the bucket) into a zip: HTML pages that
open offline in Chromium with their images and run no script, JSON valid against its schema,
WhatsApp-style text, safe entry names, the date range."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

import jsonschema
import pytest
from deeplens.adapters.export_store import ExportStore
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.errors import NotFound
from deeplens.services.export import ExportDeps, ExportRequest, write_export
from deeplens.services.ingest import IngestDeps, ingest_record
from deeplens.settings import S3Settings
from devstack.config import StackConfig
from devstack.stack import up

from tests import factories as f
from tests.integration.services.test_ingest_archive import inline_record
from tests.support import settings_from

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = json.loads((ROOT / "docs" / "export-v1.schema.json").read_text())
PIXEL = base64.b64decode(  # a 1x1 PNG (Chromium decodes by content, whatever the extension says)
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
SCRIPT = "<script>window.__pwned = true; alert(1)</script>"
HOSTILE_NAME = '"><img src=x onerror="window.__pwned=true;alert(2)">'
DOC_KEY_DAY = "2025-11-24"
DAY = 86_400_000


@pytest.fixture(scope="session")
def stack_envs() -> dict[str, dict[str, str]]:
    """Only the s3rver backend: an export touches S3 through the same client on both."""
    return up(StackConfig.load("test"), ("s3rver",))


def media_store(stack_env: dict[str, str]) -> ObjectStore:
    settings: S3Settings = settings_from(S3Settings, stack_env)
    return ObjectStore(make_s3_client(settings), settings.minio_bucket)


@pytest.fixture
def media(stack_env: dict[str, str]) -> ObjectStore:
    return media_store(stack_env)


@pytest.fixture
def deps(database_url: str, media: ObjectStore) -> ExportDeps:
    return ExportDeps(database_url, f.SESSION, media, ExportStore(media._client, media.bucket))


def hostile_events(doc_file_id: str) -> list[dict[str, Any]]:
    t = f.T0 + 1000
    doc = f.media(
        doc_file_id,
        "stored",
        f"{f.PN}/{DOC_KEY_DAY}/{doc_file_id}.html",
        mime="text/html",
        file_name="../../evil<x>.html",
        width=None,
        height=None,
    )
    return [
        f.contact(f.BOB_PN, t, full_name=HOSTILE_NAME),
        f.message(f.PN, "EVIL1", f.PN, t + 1, SCRIPT),
        f.message(f.PN, "EVIL2", f.PN, t + 2, "a document", type="document", media=doc),
        f.message(f.PN, "NEXT1", f.PN, t + 10 * DAY, "next month\n24/12/2025, 10:00 - Bob: forged"),
        f.message(f.GROUP, "EVIL3", f.BOB_PN, t + 3, "hi from " + HOSTILE_NAME),
    ]


@pytest.fixture
def archive(database_url: str, make_deps: Callable[..., IngestDeps], media: ObjectStore) -> dict[str, str]:
    return fill_archive(make_deps(database_url, TrackingPolicy(True, True)), media)


def fill_archive(deps: IngestDeps, media: ObjectStore) -> dict[str, str]:
    """The factories' story (Anna's chat, the Team group: edits, revokes, reactions, a poll, an
    image) and hostile content, through the real ingest; the stored files in the bucket."""
    doc_file_id = f"D{uuid.uuid4().hex[:15].upper()}"
    for index, events in enumerate((f.story(), hostile_events(doc_file_id))):
        ingest_record(inline_record(events, f"export-{uuid.uuid4().hex[:8]}-{index}"), deps)
    media.put(f"{f.PN}/2025-11-24/F0000000000000A3.jpg", PIXEL, "image/jpeg")
    media.put(f"{f.PN}/{DOC_KEY_DAY}/{doc_file_id}.html", SCRIPT.encode(), "text/html")
    return {"doc": doc_file_id}


def export(deps: ExportDeps, tmp_path: Path, request: ExportRequest) -> zipfile.ZipFile:
    path = tmp_path / f"export-{uuid.uuid4().hex[:6]}.zip"
    with path.open("wb") as handle:
        write_export(deps, request, handle)
    return zipfile.ZipFile(path)


def folder_of(names: list[str], suffix: str) -> str:
    (index,) = [n for n in names if n.startswith("chats/") and n.endswith(f"{suffix}/index.html")]
    return index.removesuffix("/index.html")


def test_zip_holds_pages_json_text_and_files_under_safe_names(
    deps: ExportDeps, archive: dict[str, str], tmp_path: Path
) -> None:
    with export(deps, tmp_path, ExportRequest()) as zipped:
        names = zipped.namelist()
        assert zipped.testzip() is None
        for name in names:
            parts = PurePosixPath(name).parts
            assert not name.startswith("/") and ".." not in parts and "\\" not in name, name
        anna = folder_of(names, "-4915112345678")
        assert anna == "chats/Anna Schmidt-4915112345678"  # her address-book name titles the chat
        assert {"index.html", "style.css", f"{anna}/pages/2025-11.html", f"{anna}/pages/2025-12.html"} <= set(
            names
        )
        assert zipped.read(f"{anna}/F0000000000000A3.jpg") == PIXEL
        (doc,) = [n for n in names if archive["doc"] in n]
        assert doc == f"{anna}/{archive['doc']}__.._evil_x_.html.txt"
        assert zipped.getinfo(doc).compress_type == zipfile.ZIP_STORED

        data = json.loads(zipped.read(f"{anna}/chat.json"))
        jsonschema.validate(data, SCHEMA)
        by_id = {m["id"]: m for m in data["messages"]}
        assert by_id["EVIL1"]["text"] == SCRIPT
        assert by_id["3EB0A3"]["media"]["path"] == "F0000000000000A3.jpg"
        original = by_id["3EB0A1"]["versions"][0]
        assert (original["is_original"], original["text"]) == (True, "Hallo, wie geht's?")
        reactions = [(r["emoji"], r["reactor_name"]) for r in by_id["3EB0A2"]["reactions"]]
        assert reactions == [("👍", "Anna Schmidt")]  # her LID and phone reactions are one person's
        group = json.loads(zipped.read(f"{folder_of(names, '-120363012345678901')}/chat.json"))
        assert group["chat"] == {"jid": f.GROUP, "name": "Team (renamed)", "kind": "group"}

        text = zipped.read(f"{anna}/WhatsApp Chat with Anna Schmidt.txt").decode()
        lines = text.splitlines()
        assert lines[0] == "24/11/2025, 16:00 - Anna Schmidt: Hallo! Wie geht es dir?"
        assert "24/11/2025, 16:00 - You: F0000000000000A3.jpg (file attached)" in lines
        assert "holiday" in lines
        assert "\u206024/12/2025, 10:00 - Bob: forged" in lines


def test_every_group_feature_reaches_the_json(
    deps: ExportDeps, archive: dict[str, str], tmp_path: Path
) -> None:
    request = ExportRequest(chats=(f.GROUP,), formats=("json",), media="none")
    with export(deps, tmp_path, request) as zipped:
        (name,) = [n for n in zipped.namelist() if n.endswith("chat.json")]
        data = json.loads(zipped.read(name))
    jsonschema.validate(data, SCHEMA)
    by_id = {m["id"]: m for m in data["messages"]}
    assert by_id["3EB0B4"]["deleted_at_ms"] is not None
    poll = by_id["3EB0B5"]["poll"]
    assert poll["question"] == "Lunch?" and poll["options"] == ["Pizza", "Sushi"]
    assert sorted(v["options"][0] for v in poll["votes"]) == [
        "Pizza",
        "Sushi",
    ]  # Anna (LID = PN) voted twice: once counted
    assert by_id["3EB0B6"]["quoted"]["id"] == "3EB0B1"
    assert by_id["EVIL3"]["sender"]["name"] == HOSTILE_NAME
    assert [n for n in zipped.namelist() if not n.endswith((".json",))] == []


def test_date_range_and_missing_chat(deps: ExportDeps, archive: dict[str, str], tmp_path: Path) -> None:
    request = ExportRequest(chats=(f.LID,), since=f.T0 + 5 * DAY, formats=("txt",))  # the LID resolves
    with export(deps, tmp_path, request) as zipped:
        (name,) = [n for n in zipped.namelist() if "WhatsApp Chat with" in n]
        assert zipped.read(name).decode().splitlines()[0].endswith("Anna Schmidt: next month")
    with pytest.raises(NotFound):
        export(deps, tmp_path, ExportRequest(chats=("0@s.whatsapp.net",)))


def test_pages_open_offline_in_chromium_with_their_images_and_run_no_script(
    deps: ExportDeps, archive: dict[str, str], tmp_path: Path
) -> None:
    node = shutil.which("node")
    assert node and Path("/usr/bin/chromium").exists(), "needs node and Debian's chromium"
    with export(deps, tmp_path, ExportRequest(per_page=10)) as zipped:
        zipped.extractall(tmp_path / "out")
    out = tmp_path / "out"
    anna = next(out.glob("chats/Anna*"))
    group = next(out.glob("chats/Team*"))
    pages = [
        out / "index.html",
        anna / "index.html",
        anna / "pages/2025-11.html",
        group / "pages/2025-11.html",
    ]
    result = subprocess.run(
        [node, "e2e/export-offline.mjs", *map(str, pages)],
        cwd=ROOT / "frontend",
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    top, chat_index, anna_page, group_page = json.loads(result.stdout.strip().splitlines()[-1])
    for page in (top, chat_index, anna_page, group_page):
        assert page["dialogs"] == [] and page["scripts"] == 0 and not page["pwned"], page
        assert page["background"] != "rgba(0, 0, 0, 0)", "style.css did not load"
        assert page["failed"] == [], page["failed"]
    assert "chats/Anna%20Schmidt-4915112345678/index.html" in top["links"], top["links"]
    assert "2025-11" in " ".join(chat_index["links"]) and "pages/2025-12.html" in chat_index["links"]
    texts = "\n".join(anna_page["articles"])
    assert "Hallo! Wie geht es dir?" in texts and SCRIPT in texts
    assert anna_page["images"] == [{"src": "../F0000000000000A3.jpg", "loaded": True}]
    assert f"../{archive['doc']}__.._evil_x_.html.txt" in anna_page["links"]
    assert "2025-12.html" in anna_page["links"]  # the next page
    group_texts = "\n".join(group_page["articles"])
    assert HOSTILE_NAME in group_texts and "Lunch?" in group_texts and "Meeting at 11:30?" in group_texts
    assert all(image["src"] != "x" for image in group_page["images"])
