"""Jobs on AWS: with TRANSFER_QUEUE_URL the API runs no job itself but sends it to the jobs queue,
and the job function (entrypoints/transfer_job.py, the Lambda handler's own `handle`) runs it from
the queue's message with the same code as the local worker threads: an export to its download, an
import to its batches ingested. A message delivered twice runs its job once; a malformed one or an
unknown job is dropped."""

from __future__ import annotations

import io
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from deeplens.adapters.postgres import pooled
from deeplens.adapters.queue import Queue
from deeplens.entrypoints.transfer_job import handle
from deeplens.services.api import ApiDeps
from deeplens.services.ingest import IngestDeps
from deeplens.services.transfer_jobs import job_message, transfer_deps_from
from deeplens.settings import ApiSettings

from tests import factories as f
from tests.integration.api.test_imports import _client, _create, _drain, _put, export_zip


@pytest.fixture
def queues(local_queue_pair: Callable[..., tuple[Queue, Queue]]) -> tuple[Queue, Queue]:
    """(jobs queue, ingest queue)."""
    return local_queue_pair()[0], local_queue_pair()[0]


@pytest.fixture
def api_side(
    make_api_deps: Callable[[ApiSettings], ApiDeps], api_settings: ApiSettings, queues: tuple[Queue, Queue]
) -> ApiDeps:
    """The API as deployed: the jobs queue, no ingest queue (nothing in it publishes)."""
    settings = api_settings.model_copy(update={"transfer_queue_url": queues[0].url, "ingest_queue_url": None})
    deps = make_api_deps(settings)
    deps.cache.delete("login_attempts:127.0.0.1")
    return deps


@pytest.fixture
def job_function(
    make_api_deps: Callable[[ApiSettings], ApiDeps], api_settings: ApiSettings, queues: tuple[Queue, Queue]
) -> Callable[[], dict[str, int]]:
    """One invocation of the job function per message waiting in the jobs queue."""
    deps = transfer_deps_from(
        make_api_deps(api_settings.model_copy(update={"ingest_queue_url": queues[1].url}))
    )

    def invoke() -> dict[str, int]:
        totals = {"ran": 0, "dropped": 0}
        while received := queues[0].receive(1, wait_s=1):
            event = {"Records": [{"messageId": m.message_id, "body": m.body} for m in received]}
            for key, count in handle(deps, event).items():
                totals[key] += count
            queues[0].delete([m.receipt_handle for m in received])
        return totals

    return invoke


@pytest.fixture
def api(api_side: ApiDeps) -> Iterator[Any]:
    yield from _client(api_side)


def test_an_export_runs_in_the_job_function_not_in_the_api(
    api: Any, api_side: ApiDeps, job_function: Callable[[], dict[str, int]], queues: tuple[Queue, Queue],
    story: None,
) -> None:  # fmt: skip
    reply = api.request(
        "POST", "/api/exports", json_body={"chats": [f.PN], "formats": ["txt"], "media": "none"}
    )
    assert reply.status == 202, reply.body
    job = reply.json()
    time.sleep(0.5)
    assert api.get(f"/api/exports/{job['id']}").json()["state"] == "queued"  # no thread of the API ran it

    assert job_function() == {"ran": 1, "dropped": 0}
    done = api.get(f"/api/exports/{job['id']}").json()
    assert done["state"] == "done", done
    download = api.get(done["download_url"])
    assert download.status == 200 and any(
        n.endswith(".txt") for n in zipfile.ZipFile(io.BytesIO(download.body)).namelist()
    )

    queues[0].send(
        job_message("export", uuid.UUID(job["id"]), api_side.session)
    )  # delivered again: runs nothing
    assert job_function() == {"ran": 1, "dropped": 0}
    again = api.get(f"/api/exports/{job['id']}").json()
    assert (again["state"], again["updated_at"]) == ("done", done["updated_at"])


def test_an_import_runs_in_the_job_function_and_its_batches_are_ingested(
    api: Any, job_function: Callable[[], dict[str, int]], queues: tuple[Queue, Queue],
    database_url: str, make_deps: Callable[..., IngestDeps],
) -> None:  # fmt: skip
    data = export_zip()
    job = _create(api, data)
    assert _put(api, job, data) == 204
    started = api.request("POST", f"/api/imports/{job['id']}/start")
    assert started.status == 202 and started.json()["state"] == "queued"

    assert job_function() == {"ran": 1, "dropped": 0}
    waiting = api.get(f"/api/imports/{job['id']}").json()
    assert waiting["state"] == "ingesting" and waiting["summary"]["imported"] == 2, waiting
    assert _drain(queues[1], make_deps(database_url)) == 1
    assert api.get(f"/api/imports/{job['id']}").json()["state"] == "done"


def test_malformed_messages_and_unknown_jobs_are_dropped(
    job_function: Callable[[], dict[str, int]], queues: tuple[Queue, Queue]
) -> None:
    queues[0].send("not json")
    queues[0].send('{"kind": "backup", "job": "1"}')
    queues[0].send(job_message("export", uuid.uuid4(), "primary_agent"))
    assert job_function() == {"ran": 0, "dropped": 3}


def test_a_job_the_jobs_queue_refuses_is_failed_at_once_and_the_request_answers_503(
    make_api_deps: Callable[[ApiSettings], ApiDeps], api_settings: ApiSettings, queues: tuple[Queue, Queue],
    story: None,
) -> None:  # fmt: skip
    gone = queues[0].url.rsplit("/", 1)[0] + f"/no-such-queue-{uuid.uuid4().hex[:8]}"
    deps = make_api_deps(api_settings.model_copy(update={"transfer_queue_url": gone}))
    deps.cache.delete("login_attempts:127.0.0.1")
    for api in _client(deps):
        reply = api.request("POST", "/api/exports", json_body={"chats": [f.PN], "formats": ["txt"]})
        assert reply.status == 503, reply.body
        with pooled(deps.pool) as conn:
            row = conn.execute("SELECT state, error FROM transfer_jobs WHERE kind = 'export'").fetchone()
        assert row == ("failed", "the job could not be handed to the job function")
        again = api.request("POST", "/api/exports", json_body={"chats": [f.PN], "formats": ["txt"]})
        assert again.status == 503  # not 409: the refused job is not left running
