"""What every translator shares: the origin of a translation, stable event ids, one error type."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from deeplens.domain.envelope_parts import describe
from deeplens.domain.ids import Jid
from pydantic import ValidationError

from deeplens_connector.translate.jids import jid_from_text

_MAX_EVENT_ID = 200  # envelope_parts.EventId


class TranslationError(Exception):
    """One source event cannot become a valid envelope. The caller logs it and skips that event only."""


@dataclass(frozen=True)
class Origin:
    """Which account translates, who it is, and when the connector saw the event (occurred_at_ms)."""

    session: str
    now_ms: int
    own_jid: Jid | None = None

    @classmethod
    def of(cls, session: str, now_ms: int, own_jid: str | None = None) -> Origin:
        return cls(session, now_ms, jid_from_text(own_jid or ""))


def event_id(kind: str, *parts: object) -> str:
    """`kind:part:part…`: deterministic, so a retried or replayed event keeps its id."""
    text = ":".join((kind, *map(str, parts)))
    if len(text) <= _MAX_EVENT_ID:
        return text
    return f"{kind}:sha256:{hashlib.sha256(text.encode()).hexdigest()}"


@contextmanager
def translating(what: str) -> Iterator[None]:
    """Turn any failure while translating `what` into one TranslationError with a one-line reason."""
    try:
        yield
    except TranslationError:
        raise
    except Exception as error:
        raise translation_error(what, error) from error


def translation_error(what: str, error: Exception) -> TranslationError:
    """The TranslationError `translating(what)` raises for `error` (for hot loops that name `what`
    only when something failed)."""
    if isinstance(error, TranslationError):
        return error
    if isinstance(error, ValidationError):
        return TranslationError(f"{what}: {describe(error)}")
    reason = " ".join(str(error).split()) or type(error).__name__
    return TranslationError(f"{what}: {reason}")
