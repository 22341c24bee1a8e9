"""Which address is the client: CloudFront's viewer only with the origin proof, IPv6 per /64."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from deeplens.entrypoints.http.client_address import (
    CloudFrontClient,
    lambda_client,
    rate_limit_key,
    viewer_ip,
)

SECRET = "5b0c2a4e-0d55-4c47-8f0e-2f0f6a1c9d11"
EDGE = "130.176.98.17"  # a CloudFront edge as API Gateway's sourceIp


@pytest.mark.parametrize(
    ("value", "ip"),
    [
        ("198.51.100.10:46532", "198.51.100.10"),
        ("2001:db8:85a3::8a2e:370:7334:46532", "2001:db8:85a3::8a2e:370:7334"),
        ("[2001:db8::7]:443", "2001:db8::7"),
        (" 203.0.113.9:1 ", "203.0.113.9"),
        (None, None),
        ("", None),
        ("198.51.100.10", None),  # no port: not what CloudFront sends
        ("example.org:443", None),
        ("999.1.1.1:80", None),
        ("198.51.100.10:http", None),
    ],
)
def test_viewer_ip_is_the_address_before_the_port_when_well_formed(value: str | None, ip: str | None) -> None:
    assert viewer_ip(value) == ip


def test_client_is_the_viewer_when_the_request_proves_it_came_through_cloudfront() -> None:
    headers = {"cloudfront-viewer-address": "198.51.100.10:46532", "x-origin-verify": SECRET}
    assert lambda_client(EDGE, headers, SECRET) == "198.51.100.10"


@pytest.mark.parametrize(
    ("headers", "secret"),
    [
        ({"cloudfront-viewer-address": "198.51.100.10:46532"}, SECRET),  # direct call, forged header
        ({"cloudfront-viewer-address": "198.51.100.10:46532", "x-origin-verify": "guess"}, SECRET),
        ({"cloudfront-viewer-address": "198.51.100.10:46532", "x-origin-verify": ""}, None),  # no secret set
        ({"x-origin-verify": SECRET}, SECRET),  # CloudFront without the header (policy lacks it)
        ({"cloudfront-viewer-address": "garbage", "x-origin-verify": SECRET}, SECRET),
    ],
)
def test_client_is_the_peer_api_gateway_saw_when_the_viewer_header_is_unproven(
    headers: dict[str, str], secret: str | None
) -> None:
    assert lambda_client(EDGE, headers, secret) == EDGE


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),  # same subscriber, same budget
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("testclient", "testclient"),
        (None, "unknown"),
    ],
)
def test_rate_limit_key_groups_an_ipv6_subscriber_when_counting_logins(address: str | None, key: str) -> None:
    assert rate_limit_key(address) == key


def test_middleware_sets_the_client_and_hides_the_secret_when_the_app_is_called() -> None:
    seen: dict[str, Any] = {}

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.update(scope)

    headers = [[b"cloudfront-viewer-address", b"198.51.100.10:46532"], [b"x-origin-verify", SECRET.encode()]]
    scope = {"type": "http", "client": (EDGE, 0), "headers": headers}
    asyncio.run(CloudFrontClient(app, SECRET)(scope, _no_receive, _no_send))
    assert seen["client"] == ("198.51.100.10", 0)
    assert [name for name, _ in seen["headers"]] == [b"cloudfront-viewer-address"]


async def _no_receive() -> dict[str, Any]:
    raise AssertionError("not read")


async def _no_send(message: dict[str, Any]) -> None:
    raise AssertionError("not sent")
