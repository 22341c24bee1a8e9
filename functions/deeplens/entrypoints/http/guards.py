"""Pure ASGI middleware around the whole app (outside even the 500 handler), never buffering a body:
security headers on every response, and a bound on request bodies.

Not BaseHTTPMiddleware: it runs the app in a task and copies the response through a stream, which
costs time per request and holds back streamed media.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from deeplens.entrypoints.http.errors import error_response

# Everything the built UI (frontend/dist) loads is its own: module scripts and style sheets by URL
# (no inline <script>, no <style>; React's style={{...}} props are set through the CSSOM, which
# style-src does not govern), a module worker, fetches to /api. Media may come from the bucket's
# origin (presigned URLs) as well: `media_origins`.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), "
    "magnetometer=(), microphone=(), payment=(), serial=(), usb=()"
)


def content_security_policy(media_origins: Iterable[str] = ()) -> str:
    media = "".join(f" {origin}" for origin in sorted(set(media_origins)))
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data: blob:{media}",
            f"media-src 'self' blob:{media}",
            f"connect-src 'self'{media}",  # the import's presigned POST goes to the bucket
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        )
    )


def security_headers(media_origins: Iterable[str] = ()) -> list[tuple[bytes, bytes]]:
    pairs = {
        "content-security-policy": content_security_policy(media_origins),
        "referrer-policy": "no-referrer",
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "permissions-policy": PERMISSIONS_POLICY,
    }
    return [(name.encode(), value.encode()) for name, value in pairs.items()]


class SecurityHeaders:
    """Adds each header a response does not set itself to its http.response.start message."""

    def __init__(self, app: ASGIApp, headers: Sequence[tuple[bytes, bytes]]) -> None:
        self.app = app
        self.headers = list(headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                missing = [(name, value) for name, value in self.headers if name not in present]
                message = {**message, "headers": [*message.get("headers", []), *missing]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    """Raised from `receive` once the body passes the limit; the app's HTTPException handler makes
    it the JSON 413 (the route was reading the body, so nothing has been sent yet)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes (MAX_BODY_BYTES)")


class BodyLimit:
    """413 before the app runs when Content-Length is over the limit; otherwise counts the bytes
    as they arrive (chunked bodies, a lying Content-Length) and stops the read past the limit.
    `larger` gives (method, path pattern) routes of their own limit (the import upload, which
    streams its body to the bucket)."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, larger: Mapping[tuple[str, re.Pattern[str]], int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = dict(larger or {})

    def _limit(self, scope: Scope) -> int:
        for (method, pattern), limit in self.larger.items():
            if scope.get("method") == method and pattern.fullmatch(scope.get("path", "")):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            too_large = BodyTooLarge(limit)
            await error_response(413, "too_large", too_large.detail)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)


def _content_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    return int(value) if value is not None and value.strip().isdigit() else None
