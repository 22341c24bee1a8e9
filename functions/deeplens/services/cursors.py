"""Opaque page cursors: URL-safe base64 of a JSON array holding the sort key of a page's edge row."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from deeplens.domain.errors import InvalidRequest

_MAX_CURSOR = 1024


def encode_cursor(*parts: Any) -> str:
    raw = json.dumps(list(parts), separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str, field: str, shape: tuple[type | tuple[type, ...], ...]) -> tuple[Any, ...]:
    """The parts of a cursor, each checked against `shape`; anything else names `field`."""
    try:
        if len(value) > _MAX_CURSOR:
            raise ValueError("too long")
        parts = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidRequest("not a cursor this API returned", field) from None
    if not _fits(parts, shape):
        raise InvalidRequest("not a cursor this API returned", field)
    return tuple(parts)


def _fits(parts: Any, shape: tuple[type | tuple[type, ...], ...]) -> bool:
    if not isinstance(parts, list) or len(parts) != len(shape):
        return False
    return all(_fits_one(part, kind) for part, kind in zip(parts, shape, strict=True))


def _fits_one(part: Any, kind: type | tuple[type, ...]) -> bool:
    if isinstance(part, bool):
        return False
    if kind is float or (isinstance(kind, tuple) and float in kind):
        return isinstance(part, int | float) or (isinstance(kind, tuple) and isinstance(part, kind))
    return isinstance(part, kind)
