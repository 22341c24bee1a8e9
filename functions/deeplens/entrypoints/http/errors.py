"""The one place errors become HTTP: JSON `{"error": {"code", "message", "field"?}}`, no traces."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from deeplens.domain.errors import (
    ApiError,
    ConfigurationError,
    Conflict,
    DeepLensError,
    Forbidden,
    InvalidRequest,
    NotFound,
    RateLimited,
    TransientError,
    Unauthorized,
)

logger = Logger(service="deeplens-api")

_STATUS: dict[type[ApiError], int] = {
    InvalidRequest: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    RateLimited: 429,
}
_HTTP_CODES = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}


def error_response(
    status: int, code: str, message: str, field: str | None = None, **headers: str
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        body["field"] = field
    return JSONResponse({"error": body}, status_code=status, headers=headers or None)


def _api_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    status = next(code for kind, code in _STATUS.items() if isinstance(error, kind))
    headers = {}
    if isinstance(error, Unauthorized):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(error, RateLimited):
        headers["Retry-After"] = str(error.retry_after_s)
    return error_response(status, error.code, error.message, error.field, **headers)


def _validation(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    first = error.errors()[0] if error.errors() else {"loc": (), "msg": "invalid request"}
    return error_response(422, "invalid_request", str(first.get("msg", "invalid request")), _field(first))


def _field(error: Any) -> str | None:
    """`q` for a query/path parameter (union member names dropped), `a.b` inside a JSON body."""
    location = [str(part) for part in error.get("loc", ())]
    if len(location) < 2:
        return location[0] if location else None
    return ".".join(location[1:]) if location[0] == "body" else location[1]


def _http(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    code = _HTTP_CODES.get(error.status_code, "http_error")
    return error_response(error.status_code, code, str(error.detail), **(error.headers or {}))


def _unavailable(_: Request, error: Exception) -> JSONResponse:
    logger.warning("dependency unavailable", extra={"error": str(error)})
    return error_response(
        503, "unavailable", "a dependency is unavailable; try again", **{"Retry-After": "5"}
    )


def _unexpected(_: Request, error: Exception) -> JSONResponse:
    logger.exception("unhandled error", extra={"error_type": type(error).__name__})
    return error_response(500, "internal_error", "internal error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(TransientError, _unavailable)
    app.add_exception_handler(ConfigurationError, _unavailable)
    app.add_exception_handler(DeepLensError, _unexpected)
    app.add_exception_handler(Exception, _unexpected)
