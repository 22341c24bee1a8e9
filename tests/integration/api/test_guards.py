"""Security headers on every answer (JSON, media, errors, the 500 page) and bounded request bodies,
through both transports; bad search dates answer 400 naming the parameter; under Lambda, the login
limiter counts the CloudFront viewer only when the request proves it came through CloudFront."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest
from deeplens.entrypoints.api import make_handler
from deeplens.entrypoints.http.app import create_app
from deeplens.services.api import ApiDeps
from deeplens.settings import ApiSettings
from pydantic import SecretStr

from tests.integration.api.transport import ApiClient, LambdaTransport, Reply, UvicornTransport

ORIGIN_SECRET = "0f4c8d2e-7a51-4f0b-9a7e-3c2d1b0a9f8e"
HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy",
           "permissions-policy")  # fmt: skip


def _has_security_headers(reply: Reply) -> bool:
    return all(name in reply.headers for name in HEADERS) and reply.headers["x-frame-options"] == "DENY"


@pytest.mark.usefixtures("story")
def test_security_headers_are_on_every_answer_when_routes_succeed_or_fail(client: ApiClient) -> None:
    replies = {
        "health": client.get("/api/health"),
        "chats": client.get("/api/chats"),
        "media": client.get("/api/media/F0000000000000A3"),
        "thumbnail": client.get("/api/media/F0000000000000A3/thumbnail"),
        "missing media": client.get("/api/media/F0000000000000FF"),
        "bad request": client.get("/api/search", params={"q": "hallo", "to": "9999-12-31"}),
        "unknown route": client.get("/api/no-such-route"),
        "anonymous": client.get("/api/chats", anonymous=True),
        "wrong method": client.request("DELETE", "/api/health"),
    }
    assert {name: reply.status < 500 for name, reply in replies.items()} == dict.fromkeys(replies, True)
    assert {name: _has_security_headers(reply) for name, reply in replies.items()} == dict.fromkeys(
        replies, True
    )


def test_unknown_api_paths_answer_json_404_when_no_route_matches(client: ApiClient) -> None:
    for path in ("/api/no-such-route", "/api/media/..%2F..%2Fetc%2Fpasswd", "/api/chats/"):
        reply = client.get(path)
        assert reply.status in (400, 404), path
        assert reply.headers["content-type"] == "application/json" and "error" in reply.json(), path


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("to", "9999-12-31"),
        ("from", "0001-01-01"),
        ("from", "1969-12-31"),
        ("to", "9999-12-31T23:00:00-14:00"),
    ],
)
def test_search_answers_400_naming_the_date_when_it_is_outside_the_archive_range(
    client: ApiClient, name: str, value: str
) -> None:
    reply = client.get("/api/search", params={"q": "hallo", name: value})
    assert reply.status == 400
    error = reply.json()["error"]
    assert (error["code"], error["field"]) == ("invalid_request", name)
    assert "1970-01-01 and 9999-12-30" in error["message"]


def test_search_answers_422_naming_the_date_when_it_is_no_date(client: ApiClient) -> None:
    reply = client.get("/api/search", params={"q": "hallo", "to": "10000-01-01"})
    assert (reply.status, reply.json()["error"]["field"]) == (422, "to")


def test_body_over_the_limit_answers_json_413_when_content_length_says_so(client: ApiClient) -> None:
    big = b'{"password": "' + b"x" * (1024 * 1024) + b'"}'
    reply = client.transport.send("POST", "/api/auth/login", {}, big, {"content-type": "application/json"})
    assert reply.status == 413
    assert (
        reply.json()["error"]["code"] == "too_large" and "MAX_BODY_BYTES" in reply.json()["error"]["message"]
    )
    assert _has_security_headers(reply)


@pytest.fixture
def served(api_deps: ApiDeps) -> Iterator[httpx.Client]:
    """uvicorn over a socket with one extra route that fails, as a bug would."""
    app = create_app(api_deps)

    def fail() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/api/test-failure", fail)
    transport = UvicornTransport(app)
    yield transport.http
    transport.close()


def test_streamed_body_over_the_limit_answers_json_413_when_no_length_is_sent(served: httpx.Client) -> None:
    chunks = (b"x" * 65536 for _ in range(20))  # 1.25 MiB, chunked transfer encoding
    reply = served.post("/api/auth/login", content=chunks, headers={"content-type": "application/json"})
    assert reply.status_code == 413 and reply.json()["error"]["code"] == "too_large"
    assert reply.headers["x-content-type-options"] == "nosniff"


def test_the_500_answer_carries_the_headers_when_a_route_fails(served: httpx.Client) -> None:
    reply = served.get("/api/test-failure")
    assert reply.status_code == 500 and reply.json()["error"]["code"] == "internal_error"
    assert reply.headers["content-security-policy"].startswith("default-src 'self'")


def test_lambda_counts_logins_for_the_cloudfront_viewer_only_when_the_origin_secret_matches(
    make_api_deps: Callable[[ApiSettings], ApiDeps], api_settings: ApiSettings
) -> None:
    deps = make_api_deps(api_settings.model_copy(update={"origin_verify_secret": SecretStr(ORIGIN_SECRET)}))
    transport = LambdaTransport(make_handler(deps))
    viewer = f"198.18.{uuid.uuid4().int % 200}.9"
    keys = [f"login_attempts:{viewer}", f"login_attempts:{transport.source_ip}"]
    for key in keys:
        deps.cache.delete(key)
    client = ApiClient(transport, "lambda")
    through_cloudfront = {"cloudfront-viewer-address": f"{viewer}:4711", "x-origin-verify": ORIGIN_SECRET}
    direct = {"cloudfront-viewer-address": "198.18.250.1:4711"}  # forged, without the secret
    try:
        for headers in (through_cloudfront, direct):
            reply = client.request(
                "POST", "/api/auth/login", json_body={"password": "wrong!"}, headers=headers
            )
            assert reply.status == 401
        assert [deps.cache.get(key) for key in keys] == ["1", "1"]
    finally:
        for key in keys:
            deps.cache.delete(key)
