"""Text from other people, made storable without losing the message (hostile content never breaks
the pipeline: a message is archived, marked where it had to be changed).

- Bytes that are not UTF-8 (Go strings may hold anything; protobuf then hands Python `bytes` for a
  proto2 string, surrogates encoded as UTF-8 included): decoded with U+FFFD for each bad sequence.
- Lone surrogates in a str (not storable, not UTF-8): U+FFFD each.
- Longer than the envelope's text limit (WhatsApp itself caps text at 65,536 characters): cut to
  the limit with a marker saying how long it was; the whole text stays in the message's `raw`
  content (the event log and the `content` column keep it).
- NUL and U+FFFE/U+FFFF are kept: ingest replaces NUL (PostgreSQL cannot store it), the publisher
  escapes what SQS refuses.
"""

from __future__ import annotations

import re
from typing import Any

MAX_TEXT_CHARS = 200_000  # envelope_parts.Body
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def truncation_marker(total: int) -> str:
    return f"\n[… cut by DeepLens: {total:,} characters in all; the whole text is in the raw message]"


def safe_text(value: str | bytes | None) -> str | None:
    """The text as envelope v1 takes it (None stays None)."""
    if value is None:
        return None
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    if not text.isascii():
        text = _SURROGATE.sub(REPLACEMENT, text)
    if len(text) > MAX_TEXT_CHARS:
        marker = truncation_marker(len(text))
        text = text[: MAX_TEXT_CHARS - len(marker)] + marker
    return text


def safe_json(value: Any) -> Any:
    """A raw JSON value with every bytes string decoded and lone surrogates replaced (used only
    when the text showed such input: most messages never pay for the walk)."""
    if isinstance(value, bytes):
        return _SURROGATE.sub(REPLACEMENT, value.decode("utf-8", "replace"))
    if isinstance(value, str):
        return value if value.isascii() else _SURROGATE.sub(REPLACEMENT, value)
    if isinstance(value, dict):
        return {safe_json(key): safe_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [safe_json(item) for item in value]
    return value


def needs_cleaning(value: str | bytes | None) -> bool:
    """Whether the text was bytes (not UTF-8) or holds lone surrogates: its raw JSON will too."""
    if isinstance(value, bytes):
        return True
    return value is not None and not value.isascii() and _SURROGATE.search(value) is not None


def clean_raw(text: str | bytes | None, raw: dict[str, Any] | None) -> dict[str, Any] | None:
    """The message's raw JSON, walked and cleaned only when its text needed it."""
    return safe_json(raw) if raw is not None and needs_cleaning(text) else raw
