"""Media delivery. stream (the local default): the file through the API with byte ranges, ETag/304,
inline only for allow-listed types, RFC 6266 names, bounded memory. redirect (AWS): Redis hit -> 302;
miss -> presign (for MEDIA_PUBLIC_ENDPOINT when set), cache 3300 s, 302; S3 answers with the same
delivery headers. Thumbnails inline either way."""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import httpx
import pytest
from deeplens.adapters.cache import make_redis
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.bootstrap import api_deps_from
from deeplens.domain.media import media_key
from deeplens.entrypoints.api import make_handler
from deeplens.entrypoints.http.app import create_app
from deeplens.services.api import ApiDeps
from deeplens.services.media import presigned_key
from deeplens.settings import ApiSettings

from tests import factories as f
from tests.golden.goldens import load_golden
from tests.integration.api.conftest import PASSWORD, TRANSPORTS, CountingStore
from tests.integration.api.transport import ApiClient, LambdaTransport, UvicornTransport
from tests.support import settings_from

THUMBNAIL = base64.b64decode(load_golden("message_image")["media"]["thumbnail_b64"])
SIZE = 2048
MiB = 1 << 20

Ingest = Callable[[list[dict[str, Any]]], None]


@dataclass(frozen=True)
class Stored:
    file_id: str
    key: str
    body: bytes


StoreFile = Callable[..., Stored]


def _presigned_files(store: CountingStore) -> list[str]:
    """The media keys presigned (bucket keys have a `/`; an app may presign a probe key too)."""
    return [key for key in store.presigned if "/" in key]


def _store_into(store: ObjectStore, ingest: Ingest) -> StoreFile:
    """A media message whose decrypted file is in `store`'s bucket; a new file id each call."""

    def store_file(
        mime: str | None = "image/jpeg",
        file_name: str | None = None,
        body: bytes | None = None,
        *,
        upload: bool = True,
        message_type: str = "image",
    ) -> Stored:
        file_id, content = f"T{uuid.uuid4().hex}", os.urandom(SIZE) if body is None else body
        key = media_key(f.PN, f.T0, file_id, "bin")
        if upload:
            store.put(key, content, "application/octet-stream")  # what the API serves comes from the row
        thumbnail = base64.b64encode(THUMBNAIL).decode()
        media = f.media(file_id, "stored", key, mime=mime, file_name=file_name, thumbnail_b64=thumbnail)
        ingest([f.message(f.PN, f"M{file_id}", f.PN, f.T0, None, type=message_type, media=media)])
        return Stored(file_id, key, content)

    return store_file


@pytest.fixture
def store_file(ingest: Ingest, media_store: CountingStore) -> StoreFile:
    return _store_into(media_store.store, ingest)


@pytest.fixture
def stored_file(store_file: StoreFile, api_deps: ApiDeps) -> tuple[str, bytes]:
    stored = store_file()
    api_deps.cache.delete(presigned_key(stored.file_id))
    return stored.file_id, stored.body


@contextmanager
def _logged_in(kind: str, deps: ApiDeps) -> Iterator[ApiClient]:
    uvicorn = kind == "uvicorn"
    transport = UvicornTransport(create_app(deps)) if uvicorn else LambdaTransport(make_handler(deps))
    client = ApiClient(transport, kind)
    try:
        assert client.login(PASSWORD).status == 200
        yield client
    finally:
        transport.close()


@pytest.fixture(params=TRANSPORTS)
def redirecting(
    request: pytest.FixtureRequest,
    make_api_deps: Callable[[ApiSettings], ApiDeps],
    api_settings: ApiSettings,
    api_deps: ApiDeps,
) -> Iterator[ApiClient]:
    """A logged-in client of the API with MEDIA_DELIVERY=redirect, once per transport."""
    deps = make_api_deps(api_settings.model_copy(update={"media_delivery": "redirect"}))
    with _logged_in(request.param, deps) as client:
        yield client


# --- stream: types and names --------------------------------------------------------------------

INLINE = [
    ("image/jpeg", "image/jpeg"),
    ("image/png", "image/png"),
    ("image/gif", "image/gif"),
    ("image/webp", "image/webp"),
    ("image/avif", "image/avif"),
    ("image/heic", "image/heic"),
    ("audio/ogg; codecs=opus", "audio/ogg"),
    ("audio/mpeg", "audio/mpeg"),
    ("audio/mp4", "audio/mp4"),
    ("video/mp4", "video/mp4"),
    ("video/webm", "video/webm"),
    ("application/pdf", "application/pdf"),
]


@pytest.mark.parametrize(("mime", "served"), INLINE)
def test_allow_listed_type_streams_inline_with_file_headers_when_requested(
    client: ApiClient, store_file: StoreFile, media_store: CountingStore, mime: str, served: str
) -> None:
    stored = store_file(mime, "holiday.bin")
    reply = client.get(f"/api/media/{stored.file_id}")
    assert (reply.status, reply.body) == (200, stored.body)
    assert reply.headers["content-type"] == served
    assert reply.headers["content-disposition"] == 'inline; filename="holiday.bin"'
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["accept-ranges"] == "bytes"
    assert reply.headers["content-length"] == str(SIZE)
    assert reply.headers["etag"].startswith('"')
    assert reply.headers["cache-control"].startswith("private")
    assert _presigned_files(media_store) == []


@pytest.mark.parametrize(
    ("mime", "file_name", "download_as"),
    [
        ("text/html", "invite.html", "invite.html"),
        ("image/svg+xml", "logo.svg", "logo.svg"),
        ("application/xml", None, "{file_id}.bin"),
        ("text/xml", "feed.xml", "feed.xml"),
        ("application/javascript", "app.js", "app.js"),
        ("text/plain", None, "{file_id}.txt"),
        ("application/x-unknown", "backup.tar.gz", "backup.tar.gz"),
        ("not a media type", None, "{file_id}.bin"),
        ("image/jpeg\r\nX-Injected: 1", None, "{file_id}.bin"),
    ],
)
def test_other_types_stream_as_octet_stream_attachment_with_nosniff_when_requested(
    client: ApiClient, store_file: StoreFile, mime: str | None, file_name: str | None, download_as: str
) -> None:
    stored = store_file(mime, file_name, b"<html><script>alert(1)</script></html>", message_type="document")
    reply = client.get(f"/api/media/{stored.file_id}")
    assert reply.status == 200
    assert reply.headers["content-type"] == "application/octet-stream"
    name = download_as.format(file_id=stored.file_id)
    assert reply.headers["content-disposition"] == f'attachment; filename="{name}"'
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert "x-injected" not in reply.headers


@pytest.mark.parametrize(
    ("file_name", "fallback"),
    [
        ("Отчёт за ноябрь.pdf", "_ _ _.pdf"),
        ("会議の議事録.pdf", "_.pdf"),
        ('🎉 Party "final".pdf', "_ Party final.pdf"),
        ("Crème brûlée.pdf", "Creme brulee.pdf"),
    ],
)
def test_non_latin_file_name_is_sent_rfc_6266_encoded_when_streamed(
    client: ApiClient, store_file: StoreFile, file_name: str, fallback: str
) -> None:
    stored = store_file("application/pdf", file_name, message_type="document")
    disposition = client.get(f"/api/media/{stored.file_id}").headers["content-disposition"]
    assert disposition == f"inline; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"
    assert unquote(disposition.split("filename*=UTF-8''", 1)[1]) == file_name
    assert disposition.isascii()


def test_file_name_without_line_breaks_or_path_is_sent_when_the_sender_put_them_in(
    client: ApiClient, store_file: StoreFile
) -> None:
    stored = store_file("application/pdf", '../evil"\r\nSet-Cookie: x=1.pdf', message_type="document")
    reply = client.get(f"/api/media/{stored.file_id}")
    assert reply.headers["content-disposition"].startswith('inline; filename="_evilSet-Cookie: x=1.pdf"')
    assert "x=1" not in reply.headers.get("set-cookie", "")


# --- stream: ranges and entity tags -------------------------------------------------------------


@pytest.fixture(params=["s3rver", "localstack"])
def ranged(
    request: pytest.FixtureRequest,
    stack_envs: dict[str, dict[str, str]],
    database_url: str,
    ingest: Ingest,
    tmp_path: Path,
) -> Iterator[tuple[ApiClient, StoreFile]]:
    """A logged-in client over uvicorn whose bucket is on each S3 backend in turn."""
    settings: ApiSettings = settings_from(
        ApiSettings, stack_envs[request.param], database_url=database_url, admin_password=PASSWORD,
        session_id=f.SESSION, frontend_dir=tmp_path / "none", media_delivery="stream",
    )  # fmt: skip
    deps = api_deps_from(settings)
    deps.cache.delete("login_attempts:127.0.0.1")
    store = ObjectStore(make_s3_client(settings), settings.minio_bucket)
    try:
        with _logged_in("uvicorn", deps) as client:
            yield client, _store_into(store, ingest)
    finally:
        deps.pool.close()


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-99", 0, 99),  # the first bytes
        ("bytes=1000-1099", 1000, 1099),  # the middle
        ("bytes=-500", SIZE - 500, SIZE - 1),  # the last bytes
        ("bytes=100-", 100, SIZE - 1),  # open-ended
        ("bytes=0-", 0, SIZE - 1),  # what a video element asks first
        ("bytes=2000-999999", 2000, SIZE - 1),  # past the end: up to the end
        ("bytes=-999999", 0, SIZE - 1),  # a suffix longer than the file: all of it
        ("bytes=2047-2047", 2047, 2047),  # the last byte alone
    ],
)
def test_single_range_answers_206_with_those_bytes_when_requested(
    ranged: tuple[ApiClient, StoreFile], header: str, first: int, last: int
) -> None:
    client, store_file = ranged
    stored = store_file("video/mp4")
    reply = client.get(f"/api/media/{stored.file_id}", headers={"range": header})
    assert reply.status == 206
    assert reply.body == stored.body[first : last + 1]
    assert reply.headers["content-range"] == f"bytes {first}-{last}/{SIZE}"
    assert reply.headers["content-length"] == str(last - first + 1)
    assert reply.headers["content-type"] == "video/mp4"
    assert reply.headers["accept-ranges"] == "bytes"


PAST_THE_END = ["bytes=5000-", "bytes=2048-2100", "bytes=-0"]
MALFORMED = ["bytes=5-3", "bytes=abc", "bytes=", "bytes=--5", "garbage"]


@pytest.mark.parametrize("header", PAST_THE_END + MALFORMED)
def test_unsatisfiable_or_malformed_range_answers_416_with_the_size_when_requested(
    ranged: tuple[ApiClient, StoreFile], header: str
) -> None:
    client, store_file = ranged
    stored = store_file("video/mp4")
    reply = client.get(f"/api/media/{stored.file_id}", headers={"range": header})
    assert reply.status == 416
    assert reply.headers["content-range"] == f"bytes */{SIZE}"
    assert reply.json()["error"]["code"] == "range_not_satisfiable"


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "items=0-5"])
def test_several_ranges_or_another_unit_answer_the_whole_file_when_requested(
    ranged: tuple[ApiClient, StoreFile], header: str
) -> None:
    client, store_file = ranged
    stored = store_file("video/mp4")
    reply = client.get(f"/api/media/{stored.file_id}", headers={"range": header})
    assert (reply.status, reply.body) == (200, stored.body)


def test_empty_file_streams_empty_and_refuses_every_range_when_requested(
    ranged: tuple[ApiClient, StoreFile],
) -> None:
    client, store_file = ranged
    stored = store_file("audio/mpeg", body=b"")
    whole = client.get(f"/api/media/{stored.file_id}")
    assert (whole.status, whole.body, whole.headers["content-length"]) == (200, b"", "0")
    for header in ("bytes=0-", "bytes=-5"):
        reply = client.get(f"/api/media/{stored.file_id}", headers={"range": header})
        assert (reply.status, reply.headers["content-range"]) == (416, "bytes */0")


def test_if_none_match_answers_304_when_the_etag_still_matches(ranged: tuple[ApiClient, StoreFile]) -> None:
    client, store_file = ranged
    stored = store_file("image/png")
    path = f"/api/media/{stored.file_id}"
    etag = client.get(path).headers["etag"]
    for sent in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = client.get(path, headers={"if-none-match": sent})
        assert (again.status, again.body) == (304, b""), sent
        assert again.headers["etag"] == etag
    changed = client.get(path, headers={"if-none-match": '"another-version"'})
    assert (changed.status, changed.body) == (200, stored.body)


def test_stream_answers_404_when_the_object_is_missing_from_the_bucket(
    client: ApiClient, store_file: StoreFile
) -> None:
    stored = store_file("image/jpeg", upload=False)
    for headers in ({}, {"range": "bytes=-10"}, {"if-none-match": '"x"'}):
        reply = client.get(f"/api/media/{stored.file_id}", headers=headers)
        assert (reply.status, reply.json()["error"]["code"]) == (404, "not_found")


# --- stream: memory -----------------------------------------------------------------------------


def _generated(size_mib: int, seed: bytes) -> Iterator[bytes]:
    """`size_mib` MiB, one MiB at a time, each numbered (so a reordering would show)."""
    block = hashlib.sha256(seed).digest() * (MiB // 32)
    for number in range(size_mib):
        yield number.to_bytes(8, "big") + block[8:]


def _multipart_upload(client: Any, bucket: str, key: str, parts: Iterator[bytes], part_mib: int = 8) -> None:
    """A multipart upload of generated data, one part in memory at a time."""
    upload = client.create_multipart_upload(Bucket=bucket, Key=key, ContentType="video/mp4")["UploadId"]
    done, buffer = [], bytearray()

    def send(number: int, body: bytes) -> None:
        reply = client.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=number, Body=body)
        done.append({"PartNumber": number, "ETag": reply["ETag"]})

    for chunk in parts:
        buffer += chunk
        if len(buffer) >= part_mib * MiB:
            send(len(done) + 1, bytes(buffer))
            buffer.clear()
    if buffer:
        send(len(done) + 1, bytes(buffer))
    client.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": done})


def _memory_kib(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def api_process(stack_env: dict[str, str], database_url: str, tmp_path: Path) -> Iterator[tuple[int, str]]:
    """`python -m deeplens.entrypoints.local_api` (uvicorn, MEDIA_DELIVERY=stream): (pid, base URL)."""
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ADMIN_PASSWORD", "MEDIA_"))},
        **stack_env, "DATABASE_URL": database_url, "PORT": str(port), "ADMIN_PASSWORD": PASSWORD,
        "SESSION_ID": f.SESSION, "FRONTEND_DIR": str(tmp_path / "none"), "MEDIA_DELIVERY": "stream",
    }  # fmt: skip
    command = [sys.executable, "-m", "deeplens.entrypoints.local_api"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base_url}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "local API did not start"
            time.sleep(0.1)
        yield process.pid, base_url
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_200_mb_file_streams_through_uvicorn_without_growing_its_memory_when_downloaded(
    api_process: tuple[int, str], store_file: StoreFile, api_settings: ApiSettings
) -> None:
    pid, base_url = api_process
    small = store_file("video/mp4")
    big = store_file("video/mp4", "big.mp4", upload=False)
    expected = hashlib.sha256()
    size_mib = 200

    def hashed(parts: Iterator[bytes]) -> Iterator[bytes]:
        for part in parts:
            expected.update(part)
            yield part

    s3, bucket = make_s3_client(api_settings), api_settings.minio_bucket
    _multipart_upload(s3, bucket, big.key, hashed(_generated(size_mib, big.file_id.encode())))
    try:
        with httpx.Client(base_url=base_url, timeout=60) as http:
            assert http.post("/api/auth/login", json={"password": PASSWORD}).status_code == 200
            assert http.get(f"/api/media/{small.file_id}").content == small.body  # warm: pools, clients
            before = _memory_kib(pid)
            received, length = hashlib.sha256(), 0
            with http.stream("GET", f"/api/media/{big.file_id}") as reply:
                assert reply.status_code == 200
                assert reply.headers["content-length"] == str(size_mib * MiB)
                for chunk in reply.iter_bytes():
                    received.update(chunk)
                    length += len(chunk)
            after = _memory_kib(pid)
        assert (length, received.hexdigest()) == (size_mib * MiB, expected.hexdigest())
        grown_mib = (after["VmHWM"] - before["VmHWM"]) / 1024
        assert grown_mib < 50, f"peak RSS grew {grown_mib:.1f} MiB ({before} -> {after})"
        assert (after["VmRSS"] - before["VmRSS"]) / 1024 < 50
    finally:
        s3.delete_object(Bucket=bucket, Key=big.key)


def test_client_that_goes_away_mid_file_leaves_the_server_serving(
    api_process: tuple[int, str], store_file: StoreFile
) -> None:
    _, base_url = api_process
    stored = store_file("video/mp4", body=os.urandom(8 * MiB))
    with httpx.Client(base_url=base_url, timeout=30) as http:
        assert http.post("/api/auth/login", json={"password": PASSWORD}).status_code == 200
        for _ in range(5):
            with http.stream("GET", f"/api/media/{stored.file_id}") as reply:
                next(reply.iter_raw(64 * 1024))  # then the connection is dropped half-way
        again = http.get(f"/api/media/{stored.file_id}", headers={"range": "bytes=-10"})
        assert (again.status_code, again.content) == (206, stored.body[-10:])


# --- redirect -----------------------------------------------------------------------------------


def test_first_request_presigns_and_caches_when_redis_has_no_url(
    redirecting: ApiClient, stored_file: tuple[str, bytes], media_store: CountingStore, api_deps: ApiDeps
) -> None:
    file_id, body = stored_file
    reply = redirecting.get(f"/api/media/{file_id}")
    assert reply.status == 302
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert len(_presigned_files(media_store)) == 1
    cached = api_deps.cache.get(presigned_key(file_id))
    assert cached == reply.headers["location"]
    assert 3290 <= make_redis(api_deps.settings).ttl(presigned_key(file_id)) <= 3300
    fetched = httpx.get(reply.headers["location"], timeout=10)
    assert fetched.content == body
    assert fetched.headers["content-type"] == "image/jpeg"
    assert fetched.headers["content-disposition"] == f'inline; filename="{file_id}.jpg"'


def test_second_request_redirects_without_s3_when_url_is_cached(
    redirecting: ApiClient, stored_file: tuple[str, bytes], media_store: CountingStore
) -> None:
    file_id, _ = stored_file
    first = redirecting.get(f"/api/media/{file_id}")
    second = redirecting.get(f"/api/media/{file_id}")
    assert second.status == 302
    assert second.headers["location"] == first.headers["location"]
    assert len(_presigned_files(media_store)) == 1
    assert second.headers["cache-control"].startswith("private")


def test_presigned_url_expires_after_an_hour_when_issued(
    redirecting: ApiClient, stored_file: tuple[str, bytes]
) -> None:
    location = redirecting.get(f"/api/media/{stored_file[0]}").headers["location"]
    assert "X-Amz-Expires=3600" in location


def test_presigned_url_makes_s3_send_html_as_a_named_attachment_when_redirected(
    redirecting: ApiClient, store_file: StoreFile
) -> None:
    body = b"<script>alert(1)</script>"
    stored = store_file("text/html", "Приглашение.html", body, message_type="document")
    location = redirecting.get(f"/api/media/{stored.file_id}").headers["location"]
    fetched = httpx.get(location, timeout=10)
    assert fetched.content == stored.body
    assert fetched.headers["content-type"] == "application/octet-stream"
    assert fetched.headers["content-disposition"] == (
        "attachment; filename=\"_.html\"; filename*=UTF-8''" + quote("Приглашение.html", safe="")
    )


def test_presigned_url_is_signed_for_the_public_endpoint_when_one_is_set(
    backend_env: dict[str, str], database_url: str, store_file: StoreFile, ingest: Ingest, tmp_path: Path
) -> None:
    public = f"http://localhost:{backend_env['MINIO_PORT']}"  # another name than the API's 127.0.0.1
    settings: ApiSettings = settings_from(
        ApiSettings, backend_env, database_url=database_url, admin_password=PASSWORD, session_id=f.SESSION,
        frontend_dir=tmp_path / "none", media_delivery="redirect", media_public_endpoint=public,
    )  # fmt: skip
    deps = api_deps_from(settings)
    deps.cache.delete("login_attempts:127.0.0.1")
    stored = _store_into(ObjectStore(make_s3_client(settings), settings.minio_bucket), ingest)("image/png")
    try:
        with _logged_in("uvicorn", deps) as client:
            location = client.get(f"/api/media/{stored.file_id}").headers["location"]
            assert location.startswith(f"{public}/{settings.minio_bucket}/")
            fetched = httpx.get(location, timeout=10)
            assert (fetched.status_code, fetched.content) == (200, stored.body)
            assert fetched.headers["content-type"] == "image/png"
    finally:
        deps.cache.delete(presigned_key(stored.file_id))
        deps.pool.close()


# --- both ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [
        ("Tunknown00000000", 404, "not_found"),
        ("F0000000000000B7", 404, "not_found"),  # known, never downloaded
        ("short", 400, "invalid_request"),
        ("bad.id.with.dots", 400, "invalid_request"),
        ("%2E%2E%2Fsecrets", 404, "not_found"),  # decoded to a path: no route matches
    ],
)
@pytest.mark.usefixtures("story")
def test_media_is_refused_when_unknown_not_stored_or_malformed(
    client: ApiClient, redirecting: ApiClient, media_store: CountingStore, case: tuple[str, int, str]
) -> None:
    file_id, status, code = case
    for caller in (client, redirecting):
        reply = caller.get(f"/api/media/{file_id}", headers={"range": "bytes=0-9"})
        assert (reply.status, reply.json()["error"]["code"]) == (status, code)
    assert _presigned_files(media_store) == []


def test_thumbnail_is_served_inline_with_cache_headers_when_present(
    client: ApiClient, stored_file: tuple[str, bytes]
) -> None:
    reply = client.get(f"/api/media/{stored_file[0]}/thumbnail")
    assert (reply.status, reply.body) == (200, THUMBNAIL)
    assert reply.headers["content-type"] == "image/jpeg"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert "max-age=86400" in reply.headers["cache-control"]
    again = client.get(
        f"/api/media/{stored_file[0]}/thumbnail", headers={"if-none-match": reply.headers["etag"]}
    )
    assert (again.status, again.body) == (304, b"")


@pytest.mark.usefixtures("story")
def test_thumbnail_answers_404_when_media_has_none(client: ApiClient) -> None:
    assert client.get("/api/media/F0000000000000A3/thumbnail").status == 404
