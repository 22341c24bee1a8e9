"""The error responses each route declares in OpenAPI."""

from __future__ import annotations

from typing import Any

from deeplens.entrypoints.http.schemas import ErrorResponse


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    declared: dict[int | str, dict[str, Any]] = {
        401: {"model": ErrorResponse, "description": "no credentials"}
    }
    for code in (422, 503, *statuses):
        declared[code] = {"model": ErrorResponse}
    return declared
