"""Imports from the web UI through the API on the real stack: the file PUT through the API in
parts (stream mode) or POSTed to the bucket with the presigned form (redirect mode), the job run in
the background, ingest applying its batches, the status going from parsing to done with the summary;
bad files and bad requests refused with a reason."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

import httpx
import psycopg
import pytest
from deeplens.adapters import transfer_jobs as jobs_db
from deeplens.adapters.postgres import pooled
from deeplens.adapters.queue import Queue
from deeplens.adapters.upload_store import PART_SIZE
from deeplens.entrypoints.http.app import create_app
from deeplens.entrypoints.ingest import handler
from deeplens.entrypoints.worker import LocalContext
from deeplens.services.api import ApiDeps
from deeplens.services.event_source import poll_once
from deeplens.services.import_jobs import new_chat_jid, upload_key
from deeplens.services.ingest import IngestDeps
from deeplens.services.transfer_jobs import INTERRUPTED, transfer_deps_from
from deeplens.settings import ApiSettings

from tests import factories as f
from tests.integration.api.conftest import PASSWORD
from tests.integration.api.transport import ApiClient, UvicornTransport
from tests.unit.domain.chat_export.builders import android_line, export_text, zip_bytes

PHOTO = b"\xff\xd8\xff\xe0" + os.urandom(3000)
STEP_S = 0.1


def export_zip(extra_bytes: int = 0) -> bytes:
    lines = [
        android_line(datetime(2025, 3, 1, 9, 0), None, "Messages and calls are end-to-end encrypted."),
        android_line(datetime(2025, 3, 1, 9, 1), "Sample User", "Good morning"),
        android_line(datetime(2025, 3, 1, 9, 2), "Me", "IMG-20250301-WA0001.jpg (file attached)\nthe lake"),
        android_line(datetime(2025, 3, 1, 9, 3), "Sample User", "This message was deleted"),
    ]
    entries = {
        "WhatsApp Chat with Sample User.txt": export_text(lines).encode(),
        "IMG-20250301-WA0001.jpg": PHOTO,
    }
    if extra_bytes:
        entries["padding.bin"] = os.urandom(extra_bytes)  # not named by any line: never read
    return zip_bytes(entries)


@pytest.fixture
def queue(local_queue_pair: Callable[..., tuple[Queue, Queue]]) -> Queue:
    return local_queue_pair()[0]


def _client(deps: ApiDeps) -> Iterator[ApiClient]:
    transport = UvicornTransport(create_app(deps))
    client = ApiClient(transport, "uvicorn")
    assert client.login(PASSWORD).status == 200
    yield client
    transport.close()


@pytest.fixture
def settings(api_settings: ApiSettings, queue: Queue) -> ApiSettings:
    return api_settings.model_copy(update={"ingest_queue_url": queue.url})


@pytest.fixture
def deps(make_api_deps: Callable[[ApiSettings], ApiDeps], settings: ApiSettings) -> ApiDeps:
    built = make_api_deps(settings)
    built.cache.delete("login_attempts:127.0.0.1")
    return built


@pytest.fixture
def api(deps: ApiDeps) -> Iterator[ApiClient]:
    yield from _client(deps)


def _drain(queue: Queue, deps: IngestDeps) -> int:
    def invoke(event: dict[str, Any], context: Any) -> Mapping[str, Any]:
        return handler(event, context, deps)

    applied = 0
    while (result := poll_once(queue, invoke, LocalContext(), region="us-east-1", wait_s=1)).received:
        applied += result.deleted
    return applied


def _until(api: ApiClient, path: str, states: tuple[str, ...], timeout_s: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        reply = api.get(path)
        assert reply.status == 200, reply.body
        body: dict[str, Any] = reply.json()
        if body["state"] in states or time.monotonic() > deadline:
            return body
        time.sleep(STEP_S)


def _create(api: ApiClient, data: bytes, **extra: Any) -> dict[str, Any]:
    body = {"file_name": "WhatsApp Chat with Sample User.zip", "size": len(data), "chat_jid": f.PN,
            "me_name": "Me", "time_zone": "Europe/Berlin", **extra}  # fmt: skip
    reply = api.request("POST", "/api/imports", json_body=body)
    assert reply.status == 201, reply.body
    created: dict[str, Any] = reply.json()
    return created


def _put(api: ApiClient, job: dict[str, Any], data: bytes) -> int:
    upload = job["upload"]
    assert upload["method"] == "PUT" and upload["url"] == f"/api/imports/{job['id']}/file"
    headers = {"content-type": "application/octet-stream", "cookie": str(api.cookie)}
    return api.transport.send("PUT", upload["url"], {}, data, headers).status


def test_a_zip_uploaded_through_the_api_is_imported_and_ingested_with_a_summary(
    api: ApiClient, queue: Queue, database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    data = export_zip(extra_bytes=PART_SIZE + 1000)  # more than one part: a multipart upload
    job = _create(api, data)
    assert job["state"] == "created"
    assert _put(api, job, data) == 204
    started = api.request("POST", f"/api/imports/{job['id']}/start")
    assert started.status == 202 and started.json()["state"] in (
        "queued",
        "parsing",
        "publishing",
        "ingesting",
    )

    waiting = _until(api, f"/api/imports/{job['id']}", ("ingesting", "done", "failed"))
    assert waiting["state"] == "ingesting", waiting
    assert (waiting["batches_total"], waiting["batches_applied"]) == (1, 0)
    summary = waiting["summary"]
    assert (summary["messages"], summary["imported"], summary["matched"], summary["media_stored"]) == (
        2,
        2,
        0,
        1,
    )
    assert {s["reason"]: s["count"] for s in summary["skipped"]} == {
        "deleted message": 1, "system line: encryption notice": 1,
    }  # fmt: skip
    assert {s["name"]: s["how"] for s in summary["senders"]}["Sample User"] == "direct chat"

    assert _drain(queue, make_deps(database_url)) == 1
    done = api.get(f"/api/imports/{job['id']}").json()
    assert (done["state"], done["batches_applied"]) == ("done", 1)
    with psycopg.connect(database_url) as conn:
        texts = conn.execute("SELECT text_body FROM messages WHERE chat_jid = %s ORDER BY timestamp", (f.PN,))
        assert [row[0] for row in texts] == ["Good morning", "the lake"]
    assert api.request("POST", f"/api/imports/{job['id']}/start").status == 409  # once only


def test_a_file_that_is_not_an_export_fails_with_the_importers_reason(api: ApiClient) -> None:
    data = b"just some notes\nnothing like a chat\n"
    job = _create(api, data, file_name="notes.txt")
    assert _put(api, job, data) == 204
    assert api.request("POST", f"/api/imports/{job['id']}/start").status == 202
    failed = _until(api, f"/api/imports/{job['id']}", ("done", "failed", "ingesting"))
    assert failed["state"] == "failed" and failed["summary"] is None
    assert "notes.txt" in failed["error"] and "\n" not in failed["error"]


def test_a_new_chat_by_name_gets_a_stable_jid(api: ApiClient) -> None:
    data = export_zip()
    job = _create(api, data, chat_jid=None, chat_name="Book club")
    status = api.get(f"/api/imports/{job['id']}").json()
    assert status["chat_jid"] == new_chat_jid("Book club") and status["chat_jid"].endswith("@g.us")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"size": 3 * 1024**3}, "size"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"chat_jid": "not a jid"}, "chat_jid"),
        ({"chat_jid": None}, "chat_jid"),
        ({"date_order": "year-first"}, "date_order"),
        ({"file_name": "a\x00b"}, "file_name"),
    ],
)
def test_bad_import_requests_are_refused_naming_the_field(
    api: ApiClient, change: dict[str, Any], field: str
) -> None:
    body = {"file_name": "x.zip", "size": 10, "chat_jid": f.PN, **change}
    reply = api.request("POST", "/api/imports", json_body=body)
    assert reply.status in (400, 422) and reply.json()["error"]["field"] == field, reply.body


def test_uploads_that_do_not_match_the_announced_size_are_refused(api: ApiClient) -> None:
    data = export_zip()
    job = _create(api, data)
    assert _put(api, job, data + b"more") == 400
    assert _put(api, job, data[:-10]) == 400
    assert api.request("POST", f"/api/imports/{job['id']}/start").status == 409  # nothing uploaded
    assert _put(api, job, data) == 204
    unknown = f"/api/imports/{uuid.uuid4()}"
    assert api.get(unknown).status == 404
    assert api.request("POST", f"{unknown}/start").status == 404
    assert api.transport.send("PUT", f"{unknown}/file", {}, b"x", {"cookie": str(api.cookie)}).status == 404


def test_the_upload_route_takes_bodies_over_the_api_limit_but_not_over_the_import_limit(
    make_api_deps: Callable[[ApiSettings], ApiDeps], settings: ApiSettings
) -> None:
    small = settings.model_copy(update={"max_body_bytes": 4096, "import_max_bytes": 200_000})
    deps = make_api_deps(small)
    for api in _client(deps):
        data = export_zip()
        job = _create(api, data)
        assert _put(api, job, data) == 204  # ~3 KiB of photo and text, over nothing
        big = _create(api, b"x" * 150_000)
        assert _put(api, big, b"x" * 150_000) == 204  # over MAX_BODY_BYTES, under IMPORT_MAX_BYTES
        too_big = api.request(
            "POST", "/api/imports", json_body={"file_name": "x.zip", "size": 300_000, "chat_jid": f.PN}
        )
        assert too_big.status == 400 and too_big.json()["error"]["field"] == "size"


def test_redirect_mode_hands_out_a_presigned_post_that_the_bucket_accepts(
    make_api_deps: Callable[[ApiSettings], ApiDeps], settings: ApiSettings
) -> None:
    deps = make_api_deps(settings.model_copy(update={"media_delivery": "redirect"}))
    for api in _client(deps):
        data = export_zip()
        job = _create(api, data)
        upload = job["upload"]
        assert upload["method"] == "POST" and upload["max_bytes"] == len(data)
        posted = httpx.post(upload["url"], data=upload["fields"], files={"file": ("x.zip", data)}, timeout=10)
        assert posted.status_code in (200, 201, 204), posted.text
        key = upload_key(deps.session, uuid.UUID(job["id"]), "WhatsApp Chat with Sample User.zip")
        assert upload["fields"]["key"] == key
        assert api.request("POST", f"/api/imports/{job['id']}/start").status == 202


def test_a_job_whose_process_stopped_is_reported_as_interrupted(api: ApiClient, deps: ApiDeps) -> None:
    job = _create(api, b"x" * 10)
    with pooled(deps.pool) as conn:
        jobs_db.move(conn, uuid.UUID(job["id"]), "parsing", beat=True)
        conn.execute("UPDATE transfer_jobs SET heartbeat_at = now() - interval '5 minutes' WHERE id = %s",
                     (job["id"],))  # fmt: skip
    status = api.get(f"/api/imports/{job['id']}").json()
    assert (status["state"], status["error"]) == ("failed", INTERRUPTED)
    assert transfer_deps_from(deps).queue is not None


def test_a_dry_run_reports_the_senders_and_the_review_settles_them(
    api: ApiClient, queue: Queue, deps: ApiDeps
) -> None:
    data = export_zip()  # "Sample User" and "Me", here into a group: the archive knows nobody
    job = _create(api, data, chat_jid=f.GROUP, dry_run=True)
    assert _put(api, job, data) == 204
    assert api.request("POST", f"/api/imports/{job['id']}/start").status == 202
    checked = _until(api, f"/api/imports/{job['id']}", ("done", "failed"))
    assert checked["state"] == "done" and checked["dry_run"] and not checked["summary"]["published"], checked
    senders = {s["name"]: (s["how"], s["from_me"]) for s in checked["summary"]["senders"]}
    assert senders == {"Sample User": ("synthetic", False), "Me": ("me", True)}
    assert queue.receive(10, wait_s=0) == []  # nothing published, nothing in the archive
    with pooled(deps.pool) as conn:
        assert conn.execute("SELECT count(*) FROM messages").fetchone() == (0,)

    job = _create(api, data, chat_jid=f.GROUP, mapping={"Sample User": "+49 151 2345678"})
    assert _put(api, job, data) == 204
    assert api.request("POST", f"/api/imports/{job['id']}/start").status == 202
    imported = _until(api, f"/api/imports/{job['id']}", ("ingesting", "done", "failed"))
    assert imported["state"] == "ingesting" and not imported["dry_run"], imported
    assert imported["summary"]["published"] is True
    settled = {s["name"]: (s["jid"], s["how"]) for s in imported["summary"]["senders"]}
    assert settled["Sample User"] == ("491512345678@s.whatsapp.net", "mapped")


def test_a_review_that_names_no_jid_or_number_is_refused(api: ApiClient) -> None:
    reply = api.request(
        "POST", "/api/imports",
        json_body={"file_name": "x.zip", "size": 10, "chat_jid": f.GROUP, "mapping": {"Ann": "nobody"}},
    )  # fmt: skip
    assert reply.status == 400 and reply.json()["error"]["field"] == "mapping", reply.body
    assert "Ann" in reply.json()["error"]["message"]
