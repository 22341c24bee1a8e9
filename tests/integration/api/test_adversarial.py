"""No 5xx for hostile input on any route: each parameter of each operation gets each hostile value in
turn, the others stay valid (hand-picked values; test_fuzz.py adds generated ones with schemathesis)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from deeplens.entrypoints.http.app import create_app
from deeplens.services.api import ApiDeps

from tests import factories as f
from tests.integration.api.transport import ApiClient

pytestmark = pytest.mark.usefixtures("story")

HOSTILE = [
    "\x00",
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "ü" * 300,
    "🙂",
    "-1",
    "9" * 40,
    "a:*|b",
    "<script>",
    "../..",
    "",
    "9999-12-31",  # to= of a date whose day ends in year 10000 (was a 500)
    "0001-01-01",
    "10000-01-01",
    "9999-12-31T23:59:59-14:00",
]
VALID = {"jid": f.PN, "chat": f.PN, "id": "3EB0A1", "file_id": "F0000000000000A3", "q": "hallo",
         "token_id": "00000000-0000-4000-8000-000000000000"}  # fmt: skip
BODIES: dict[str, Any] = {"/api/auth/tokens": {"name": "x"}, "/api/tracking/{jid}": {"is_tracked": True}}


def _operations(api_deps: ApiDeps) -> list[tuple[str, str, list[dict[str, Any]]]]:
    paths = create_app(api_deps).openapi()["paths"]
    return [(m.upper(), p, op.get("parameters", [])) for p, ops in paths.items() for m, op in ops.items()]


def test_no_route_answers_5xx_when_one_parameter_is_hostile(client: ApiClient, api_deps: ApiDeps) -> None:
    for method, path, parameters in _operations(api_deps):
        if path == "/api/auth/logout":
            continue  # would end the test's own session
        for parameter in parameters:
            for value in HOSTILE:
                reply = _send(client, method, path, parameters, hostile=(parameter["name"], value))
                assert reply.status < 500, (method, path, parameter["name"], value, reply.body[:200])


def test_no_route_answers_5xx_when_json_body_is_hostile(client: ApiClient) -> None:
    bodies = [None, [], "x", {"name": "\x00"}, {"name": "n" * 101}, {"is_tracked": None}, {"password": 1}]
    for path in ("/api/auth/tokens", f"/api/tracking/{f.GROUP}", "/api/auth/login"):
        method = "PATCH" if "tracking" in path else "POST"
        for body in bodies:
            reply = client.request(method, path, json_body=body)
            assert reply.status < 500, (path, body, reply.body[:200])


def _send(
    client: ApiClient, method: str, path: str, parameters: list[dict[str, Any]], *, hostile: tuple[str, str]
) -> Any:
    query, path_values = {}, {}
    for parameter in parameters:
        chosen = hostile[1] if parameter["name"] == hostile[0] else VALID.get(parameter["name"])
        if parameter["in"] == "path":
            path_values[parameter["name"]] = quote(chosen or "x", safe="")
        elif chosen is not None:
            query[parameter["name"]] = chosen
    url = re.sub(r"{(\w+)}", lambda m: path_values[m[1]], path)
    return client.request(method, url, params=query, json_body=BODIES.get(path))
