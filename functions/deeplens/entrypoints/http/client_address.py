"""Which address is the client, for the login limiter (and the logs).

- uvicorn (local_api): the TCP peer, or, when the peer is one of TRUSTED_PROXIES, the first address
  in X-Forwarded-For that is not a trusted proxy, counted from the right. uvicorn's own
  ProxyHeadersMiddleware does that (see local_api.uvicorn_options); with no TRUSTED_PROXIES it is off.
- Lambda (Mangum behind API Gateway behind CloudFront): API Gateway's sourceIp is a CloudFront edge,
  so the client is the viewer address CloudFront forwards in CloudFront-Viewer-Address, believed
  only when the request also carries the origin secret CloudFront adds (ORIGIN_VERIFY_SECRET):
  a caller reaching the execute-api URL directly could write that header himself, and is then keyed
  on the sourceIp API Gateway saw, which is his own.

The rules are the pure functions below; CloudFrontClient applies them to the ASGI scope.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Mapping

from starlette.types import ASGIApp, Receive, Scope, Send

VIEWER_ADDRESS = "cloudfront-viewer-address"
ORIGIN_VERIFY = "x-origin-verify"
_IPV6_LIMIT_PREFIX = 64  # one subscriber's IPv6 allocation: rotating inside it must not reset a budget


def viewer_ip(value: str | None) -> str | None:
    """The IP of a CloudFront-Viewer-Address value ('198.51.100.10:46532', '2001:db8::7:46532':
    IPv6 without brackets, the port after the last colon); None when absent or malformed."""
    if not value:
        return None
    host, colon, port = value.strip().rpartition(":")
    if not colon or not port.isdigit():
        return None
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def lambda_client(source_ip: str | None, headers: Mapping[str, str], origin_secret: str | None) -> str | None:
    """The client of a request API Gateway handed to the function (headers with lower-case names):
    the CloudFront viewer when the request proves it came through CloudFront, else sourceIp."""
    proof = headers.get(ORIGIN_VERIFY)
    through_cloudfront = bool(origin_secret) and proof is not None and _same(proof, origin_secret or "")
    viewer = viewer_ip(headers.get(VIEWER_ADDRESS)) if through_cloudfront else None
    return viewer or source_ip


def rate_limit_key(address: str | None) -> str:
    """What login attempts are counted under: an IPv4 address, an IPv6 address's /64, or the raw
    value when it is no IP (a unix socket, 'testclient')."""
    if not address:
        return "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((ip, _IPV6_LIMIT_PREFIX), strict=False))
    return str(ip)


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


class CloudFrontClient:
    """Pure ASGI: sets scope["client"] by lambda_client and drops the origin secret from the headers
    the app sees (it never lands in a log). Wraps the app under Mangum only."""

    def __init__(self, app: ASGIApp, origin_secret: str | None) -> None:
        self.app = app
        self.origin_secret = origin_secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw = scope.get("headers") or []
            headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in raw}
            peer = scope["client"][0] if scope.get("client") else None
            client = lambda_client(peer, headers, self.origin_secret)
            kept = [(name, value) for name, value in raw if name.lower() != ORIGIN_VERIFY.encode()]
            scope = {**scope, "headers": kept, "client": (client, 0) if client else scope.get("client")}
        await self.app(scope, receive, send)
