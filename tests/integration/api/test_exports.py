"""Exports from the web UI through the API on the real stack: the job's progress, then the zip
streamed through the API (stream mode) or behind a presigned link (redirect mode); one export at a
time; unknown chats and bad requests refused with a reason."""

from __future__ import annotations

import io
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from botocore.exceptions import EndpointConnectionError
from deeplens.adapters.export_store import ExportStore
from deeplens.adapters.object_store import make_s3_client
from deeplens.entrypoints.http.app import create_app
from deeplens.services.api import ApiDeps
from deeplens.services.transfer_jobs import transfer_deps_from
from deeplens.settings import ApiSettings

from tests import factories as f
from tests.integration.api.conftest import PASSWORD
from tests.integration.api.transport import ApiClient, UvicornTransport


def _client(deps: ApiDeps) -> Iterator[ApiClient]:
    transport = UvicornTransport(create_app(deps))
    client = ApiClient(transport, "uvicorn")
    assert client.login(PASSWORD).status == 200
    yield client
    transport.close()


def _until_finished(api: ApiClient, job_id: str, timeout_s: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        body: dict[str, Any] = api.get(f"/api/exports/{job_id}").json()
        if body["state"] in ("done", "failed") or time.monotonic() > deadline:
            return body
        time.sleep(0.1)


def _export(api: ApiClient, **body: Any) -> dict[str, Any]:
    reply = api.request("POST", "/api/exports", json_body=body)
    assert reply.status == 202, reply.body
    created: dict[str, Any] = reply.json()
    return created


def test_an_export_reports_progress_and_streams_the_zip_in_stream_mode(
    client: ApiClient, story: None
) -> None:
    job = _export(client, chats=[f.PN], formats=["html", "txt"], media="include", time_zone="Europe/Berlin")
    assert job["state"] in ("queued", "running", "uploading", "done") and job["download_url"] is None
    done = _until_finished(client, job["id"])
    assert done["state"] == "done", done
    assert (done["chats_total"], done["chats_done"]) == (1, 1) and done["messages_done"] == done[
        "messages_total"
    ] > 0
    assert done["download_url"] == f"/api/exports/{job['id']}/download"
    reply = client.get(done["download_url"])
    assert reply.status == 200 and reply.headers["content-type"] == "application/zip"
    assert (
        "attachment" in reply.headers["content-disposition"]
        and done["file_name"] in reply.headers["content-disposition"]
    )
    names = zipfile.ZipFile(io.BytesIO(reply.body)).namelist()
    assert "index.html" in names and any(name.endswith(".txt") for name in names)
    assert not any(name.endswith("chat.json") for name in names)
    assert len(reply.body) == done["size"]


def test_redirect_mode_links_to_a_presigned_download(
    make_api_deps: Callable[[ApiSettings], ApiDeps], api_settings: ApiSettings, story: None
) -> None:
    deps = make_api_deps(api_settings.model_copy(update={"media_delivery": "redirect"}))
    deps.cache.delete("login_attempts:127.0.0.1")
    for api in _client(deps):
        job = _export(api, formats=["json"], media="none")
        done = _until_finished(api, job["id"])
        assert done["state"] == "done", done
        assert done["download_url"].startswith("http")
        fetched = httpx.get(done["download_url"], timeout=10)
        assert fetched.status_code == 200 and zipfile.ZipFile(io.BytesIO(fetched.content)).testzip() is None


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"chats": ["120363999999999@g.us"]}, 404, "chats"),
        ({"chats": ["not a jid"]}, 400, "chats"),
        ({"time_zone": "Nowhere/Atlantis"}, 400, "time_zone"),
        ({"since": "2025-02-01", "until": "2025-01-01"}, 400, "until"),
        ({"formats": ["pdf"]}, 422, "formats.0"),
        ({"formats": []}, 422, "formats"),
        ({"media": "everything"}, 422, "media"),
    ],
)
def test_bad_export_requests_are_refused_naming_the_field(
    client: ApiClient, story: None, body: dict[str, Any], status: int, field: str
) -> None:
    reply = client.request("POST", "/api/exports", json_body=body)
    assert (reply.status, reply.json()["error"]["field"]) == (status, field), reply.body


def test_unknown_and_unfinished_exports(client: ApiClient) -> None:
    unknown = f"/api/exports/{uuid.uuid4()}"
    assert client.get(unknown).status == 404
    assert client.get(f"{unknown}/download").status == 404
    assert client.get("/api/exports/not-a-uuid").status == 422


def test_an_export_whose_upload_fails_fails_with_the_reason_and_leaves_no_object(
    api_deps: ApiDeps, story: None
) -> None:
    """The zip streams into the bucket as it is written: when the bucket refuses it (here the final
    PutObject of a small zip is cut off), the job fails saying so and its key stays empty."""
    settings = api_deps.settings
    client = make_s3_client(settings)

    def cut_off(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="the bucket went away")

    client.meta.events.register("before-call.s3.PutObject", cut_off)
    app = create_app(api_deps)
    app.state.transfers = replace(
        transfer_deps_from(api_deps), exports=ExportStore(client, settings.minio_bucket)
    )
    transport = UvicornTransport(app)
    try:
        api = ApiClient(transport, "uvicorn")
        assert api.login(PASSWORD).status == 200
        job = _export(api, chats=[f.PN], formats=["html", "json", "txt"], media="include")
        done = _until_finished(api, job["id"])
        assert done["state"] == "failed" and "the bucket went away" in done["error"], done
        assert done["download_url"] is None and api.get(f"/api/exports/{job['id']}/download").status == 409
        assert not api_deps.media.exists(f"exports/{settings.session_id}/{job['id']}.zip")
    finally:
        transport.close()
