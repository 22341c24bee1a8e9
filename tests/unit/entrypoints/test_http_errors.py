"""The one error mapping: JSON bodies with a code, the field named, no stack trace (pure ASGI)."""

from __future__ import annotations

import asyncio
from typing import Annotated

import httpx
import pytest
from deeplens.domain.errors import (
    ConfigurationError,
    InvalidRequest,
    NotFound,
    RateLimited,
    TransientError,
    Unauthorized,
)
from deeplens.entrypoints.http.errors import install_error_handlers
from fastapi import FastAPI, Query

ERRORS: dict[str, Exception] = {
    "invalid": InvalidRequest("bad cursor", "cursor"),
    "unauthorized": Unauthorized("log in"),
    "missing": NotFound("no chat", "jid"),
    "limited": RateLimited("slow down", 42),
    "transient": TransientError("PostgreSQL unavailable: secret-host:5432"),
    "config": ConfigurationError("ADMIN_PASSWORD: missing"),
    "bug": ZeroDivisionError("internal detail"),
}


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/raise/{name}")
    def raise_(name: str) -> None:
        raise ERRORS[name]

    @app.get("/limit")
    def limit(value: Annotated[int, Query(ge=1)]) -> int:
        return value

    return app


def _get(path: str) -> httpx.Response:
    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get(path)

    return asyncio.run(send())


@pytest.mark.parametrize(
    ("name", "status", "body"),
    [
        ("invalid", 400, {"code": "invalid_request", "message": "bad cursor", "field": "cursor"}),
        ("unauthorized", 401, {"code": "unauthorized", "message": "log in"}),
        ("missing", 404, {"code": "not_found", "message": "no chat", "field": "jid"}),
        ("limited", 429, {"code": "rate_limited", "message": "slow down"}),
        ("transient", 503, {"code": "unavailable", "message": "a dependency is unavailable; try again"}),
        ("config", 503, {"code": "unavailable", "message": "a dependency is unavailable; try again"}),
        ("bug", 500, {"code": "internal_error", "message": "internal error"}),
    ],
)
def test_error_becomes_json_with_its_status_when_raised_in_a_route(
    name: str, status: int, body: dict[str, str]
) -> None:
    reply = _get(f"/raise/{name}")
    assert (reply.status_code, reply.json()) == (status, {"error": body})
    assert "Traceback" not in reply.text and "secret-host" not in reply.text


def test_headers_tell_the_client_what_to_do_when_unauthorized_or_limited() -> None:
    assert _get("/raise/unauthorized").headers["www-authenticate"] == "Bearer"
    assert _get("/raise/limited").headers["retry-after"] == "42"


def test_validation_error_names_the_field_when_a_parameter_is_invalid() -> None:
    reply = _get("/limit?value=0")
    assert reply.status_code == 422
    assert reply.json()["error"]["field"] == "value"
    assert _get("/limit").json()["error"] == {
        "code": "invalid_request",
        "message": "Field required",
        "field": "value",
    }


def test_unknown_route_answers_json_when_nothing_matches() -> None:
    assert _get("/nowhere").json() == {"error": {"code": "not_found", "message": "Not Found"}}
