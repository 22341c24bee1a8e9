"""The pure ASGI guards: headers added without touching the body stream, bodies bounded."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from deeplens.entrypoints.http.guards import (
    PERMISSIONS_POLICY,
    BodyLimit,
    BodyTooLarge,
    SecurityHeaders,
    content_security_policy,
    security_headers,
)

Message = dict[str, Any]


def test_policy_allows_only_the_app_itself_when_no_media_origin_is_given() -> None:
    policy = dict(part.split(" ", 1) for part in content_security_policy().split("; "))
    assert policy == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data: blob:",
        "media-src": "'self' blob:",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    }
    assert "unsafe" not in content_security_policy(["http://127.0.0.1:24568"])


def test_policy_admits_the_bucket_for_images_and_video_when_media_is_presigned() -> None:
    policy = content_security_policy(["https://media.s3.eu-west-1.amazonaws.com"])
    assert "img-src 'self' data: blob: https://media.s3.eu-west-1.amazonaws.com;" in policy
    assert "media-src 'self' blob: https://media.s3.eu-west-1.amazonaws.com;" in policy
    assert "connect-src 'self' https://media.s3.eu-west-1.amazonaws.com;" in policy  # the import's upload


def test_the_site_on_cloudfront_gets_the_same_policies_when_deployed() -> None:
    template = (Path(__file__).parents[3] / "template.yaml").read_text()
    line = next(line for line in template.splitlines() if "ContentSecurityPolicy: !Sub" in line)
    bucket = ["https://${MediaBucket.DomainName}", "https://${MediaBucket.RegionalDomainName}"]
    assert line.split('"')[1] == content_security_policy(bucket)
    assert f'Value: "{PERMISSIONS_POLICY}"' in template


def _run(app: Any, scope: Message, body_parts: list[bytes]) -> list[Message]:
    incoming = [{"type": "http.request", "body": part, "more_body": i < len(body_parts) - 1}
                for i, part in enumerate(body_parts)]  # fmt: skip
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def _scope(headers: list[tuple[bytes, bytes]] | None = None) -> Message:
    return {"type": "http", "method": "POST", "path": "/api/x", "headers": headers or []}


async def _streaming_app(scope: Message, receive: Any, send: Any) -> None:
    headers = [(b"content-type", b"video/mp4"), (b"x-frame-options", b"SAMEORIGIN")]
    await send({"type": "http.response.start", "status": 206, "headers": headers})
    for chunk in (b"one", b"two"):
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b"", "more_body": False})


def test_headers_are_added_and_body_chunks_pass_one_by_one_when_a_response_streams() -> None:
    sent = _run(SecurityHeaders(_streaming_app, security_headers()), _scope(), [b""])
    start = dict(sent[0]["headers"])
    assert start[b"x-frame-options"] == b"SAMEORIGIN"  # a route's own value is kept
    assert start[b"x-content-type-options"] == b"nosniff"
    assert start[b"referrer-policy"] == b"no-referrer"
    assert b"camera=()" in start[b"permissions-policy"]
    assert start[b"content-security-policy"].startswith(b"default-src 'self'")
    assert [message.get("body") for message in sent[1:]] == [b"one", b"two", b""]


async def _echo_app(scope: Message, receive: Any, send: Any) -> None:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def test_body_is_refused_with_json_413_before_the_app_runs_when_content_length_is_over() -> None:
    sent = _run(BodyLimit(_echo_app, 1024), _scope([(b"content-length", b"1025")]), [b"x" * 1025])
    assert sent[0]["status"] == 413
    error = json.loads(sent[1]["body"])["error"]
    assert error["code"] == "too_large" and "1024 bytes" in error["message"]


def test_body_read_stops_when_streamed_bytes_pass_the_limit_without_content_length() -> None:
    with pytest.raises(BodyTooLarge):
        _run(BodyLimit(_echo_app, 1024), _scope(), [b"x" * 600, b"x" * 600])


def test_body_reaches_the_app_when_within_the_limit() -> None:
    sent = _run(BodyLimit(_echo_app, 1024), _scope([(b"content-length", b"1024")]), [b"x" * 1000, b"x" * 24])
    assert sent[0]["status"] == 200 and sent[1]["body"] == b"x" * 1024
