"""The event log format: gzip'd JSON lines in the events bucket, and the SQS pointer to one batch.

The batch object is the source of truth (replayable); the SQS message only points at it, with a
copy of the events inline when they fit, so the common small batch needs no S3 read.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import StringConstraints, ValidationError, model_validator

from deeplens.domain.envelope import Event, dump_event
from deeplens.domain.envelope_parts import (
    ContractModel,
    Count,
    SessionIdField,
    check_version,
    describe,
    load_json_object,
)
from deeplens.domain.errors import InvalidEnvelope
from deeplens.domain.ids import SESSION_ID_PATTERN

INLINE_LIMIT_BYTES = 200_000  # SQS takes 256 KiB per message; the rest is the pointer and headroom
SQS_BODY_LIMIT_BYTES = 262_144  # SQS's hard limit for one message body
# A batch larger than this once decompressed is refused (a gzip bomb in the events bucket must fail
# its record, not the invocation). The connector writes at most 500 events per batch, each bounded.
MAX_BATCH_BYTES = 128 * 1024 * 1024
# SQS accepts only #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF in a body. JSON
# already escapes the controls, so what is left are U+FFFE, U+FFFF and lone surrogates inside strings.
_SQS_REFUSED = re.compile(r"[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")
BATCH_ID_PATTERN = r"^[A-Za-z0-9_-]{1,128}$"
_BATCH_ID = re.compile(BATCH_ID_PATTERN, re.ASCII)
_SESSION = re.compile(SESSION_ID_PATTERN, re.ASCII)
_BATCH_KEY = re.compile(
    r"(?:events|untracked)/(?P<session>[A-Za-z0-9_.-]{1,128})/(?:(?P<chat>[a-z0-9-]{1,64}~[a-z.]{1,32})/)?"
    r"\d{4}/\d{2}/\d{2}/(?P<batch_id>[A-Za-z0-9_-]{1,128})\.jsonl\.gz",
    re.ASCII,
)
# A chat's part of the `untracked/` prefix: its canonical JID with `@` written `~` (only RFC 3986
# unreserved characters in a key; `~` is in no JID, so the segment reads back as the JID).
_CHAT_SEGMENT = re.compile(r"[a-z0-9-]{1,64}~[a-z.]{1,32}", re.ASCII)
UNTRACKED_PREFIX = "untracked/"
_GZIP_MAGIC = b"\x1f\x8b"
_BUCKET = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"


def event_line(event: Event) -> str:
    """One event as one compact JSON line (JSON escapes newlines inside strings)."""
    return json.dumps(dump_event(event), ensure_ascii=False, separators=(",", ":")) + "\n"


def encode_batch(events: Iterable[Event]) -> bytes:
    """Gzip'd JSON lines; mtime 0 so the same events always give the same bytes."""
    return gzip.compress("".join(event_line(e) for e in events).encode(), mtime=0)


def decode_batch(data: bytes) -> list[dict[str, Any]]:
    """The raw event dicts of a batch, unvalidated, so the consumer can name the one bad event."""
    text = _gunzip(data)
    # split on "\n" only: str.splitlines would also split on U+2028 inside a JSON string
    lines = [(number, line) for number, line in enumerate(text.split("\n"), 1) if line.strip()]
    return [load_json_object(line, f"batch line {number}") for number, line in lines]


def _gunzip(data: bytes) -> str:
    if not data.startswith(_GZIP_MAGIC):  # gzip.decompress(b"") is b"", not an error
        raise InvalidEnvelope("batch: not gzip'd UTF-8 (no gzip header)")
    try:
        return _bounded_gunzip(data, MAX_BATCH_BYTES).decode()
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as error:
        raise InvalidEnvelope(f"batch: not gzip'd UTF-8 ({error})") from None


def _bounded_gunzip(data: bytes, limit: int) -> bytes:
    """gzip.decompress that stops past `limit` bytes of output (and reads concatenated members)."""
    out = bytearray()
    rest = data
    while rest:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out += inflater.decompress(rest, limit + 1 - len(out))
        if len(out) > limit:
            raise InvalidEnvelope(f"batch: larger than {limit} bytes once decompressed")
        if not inflater.eof:
            if inflater.unconsumed_tail:
                raise InvalidEnvelope(f"batch: larger than {limit} bytes once decompressed")
            raise EOFError("compressed file ended before the end-of-stream marker was reached")
        rest = inflater.unused_data
    return bytes(out)


def batch_key(session: str, batch_id: str, at_ms: int) -> str:
    """`events/{session}/{YYYY}/{MM}/{DD}/{batch_id}.jsonl.gz`, the UTC day of `at_ms`."""
    if _SESSION.fullmatch(session) is None:
        raise InvalidEnvelope(f"session: not a session id: {session!r}")
    if _BATCH_ID.fullmatch(batch_id) is None:
        raise InvalidEnvelope(f"batch_id: not a batch id: {batch_id!r}")
    day = datetime.fromtimestamp(at_ms // 1000, UTC)
    return f"events/{session}/{day:%Y/%m/%d}/{batch_id}.jsonl.gz"


def chat_segment(chat_jid: str) -> str:
    """The key segment of a chat in `untracked/`: `user~server`; InvalidEnvelope for anything else."""
    segment = chat_jid.replace("@", "~", 1)
    if _CHAT_SEGMENT.fullmatch(segment) is None:
        raise InvalidEnvelope(f"chat: not a canonical chat JID: {chat_jid!r}")
    return segment


def chat_of_segment(segment: str) -> str:
    return segment.replace("~", "@", 1)


def untracked_prefix(session: str, chat_jid: str | None = None) -> str:
    """`untracked/{session}/` or, for one chat, `untracked/{session}/{user~server}/`."""
    if _SESSION.fullmatch(session) is None:
        raise InvalidEnvelope(f"session: not a session id: {session!r}")
    return f"{UNTRACKED_PREFIX}{session}/" + (f"{chat_segment(chat_jid)}/" if chat_jid else "")


def untracked_key(session: str, chat_jid: str, batch_id: str, at_ms: int) -> str:
    """`untracked/{session}/{user~server}/{YYYY}/{MM}/{DD}/{batch_id}.jsonl.gz`: the content of an
    untracked chat, held (never enqueued by the connector) until the bucket's lifecycle rule
    expires it, or until tracking the chat replays it (docs/decisions.md, retro-tracking)."""
    if _BATCH_ID.fullmatch(batch_id) is None:
        raise InvalidEnvelope(f"batch_id: not a batch id: {batch_id!r}")
    day = datetime.fromtimestamp(at_ms // 1000, UTC)
    return f"{untracked_prefix(session, chat_jid)}{day:%Y/%m/%d}/{batch_id}.jsonl.gz"


def untracked_chat_of_key(key: str) -> str | None:
    """The chat JID of an `untracked/` batch key; None for an `events/` key."""
    match = _BATCH_KEY.fullmatch(key)
    return chat_of_segment(match["chat"]) if match is not None and match["chat"] else None


def rejected_key(session: str, name: str, at_ms: int) -> str:
    """`rejected/{session}/{YYYY}/{MM}/{DD}/{name}`: an event the connector could not serialise,
    kept with its reason beside the event log (ingest never reads this prefix)."""
    if _SESSION.fullmatch(session) is None:
        raise InvalidEnvelope(f"session: not a session id: {session!r}")
    day = datetime.fromtimestamp(at_ms // 1000, UTC)
    return f"rejected/{session}/{day:%Y/%m/%d}/{name}"


class BatchPointer(ContractModel):
    """The SQS message body: which batch to apply, and the batch itself when it is small."""

    v: Literal[1] = 1
    batch_id: Annotated[str, StringConstraints(pattern=BATCH_ID_PATTERN)]
    session: SessionIdField
    bucket: Annotated[str, StringConstraints(pattern=_BUCKET)]
    key: Annotated[str, StringConstraints(max_length=1024)]
    count: Count | None = None  # None: re-enqueued from the log without reading the batch
    events: list[dict[str, Any]] | None = None  # dump_event() dicts

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        match = _BATCH_KEY.fullmatch(self.key)
        if match is None or match["session"] != self.session or match["batch_id"] != self.batch_id:
            raise ValueError(f"key {self.key!r} is not this session's batch {self.batch_id!r}")
        if self.key.startswith(UNTRACKED_PREFIX) != bool(match["chat"]):
            raise ValueError(f"key {self.key!r}: a chat folder belongs in untracked/ only")
        if self.events is not None and self.count != len(self.events):
            raise ValueError(f"count is {self.count} but {len(self.events)} events are inline")
        return self


def should_inline(encoded_events_json_len: int) -> bool:
    return encoded_events_json_len <= INLINE_LIMIT_BYTES


def pointer_for(bucket: str, key: str, session: str, events: Sequence[Event]) -> BatchPointer:
    """The pointer to a batch just written, with the events inline when they fit."""
    dumped = [dump_event(event) for event in events]
    inline = should_inline(len(json.dumps(dumped, ensure_ascii=False, separators=(",", ":")).encode()))
    batch_id = _batch_id_of(key)
    return BatchPointer(
        batch_id=batch_id,
        session=session,
        bucket=bucket,
        key=key,
        count=len(dumped),
        events=dumped if inline else None,
    )


def pointer_for_key(bucket: str, key: str, session: str) -> str:
    """An encoded pointer to a batch already in the log (reconcile, replay): no inline events."""
    return encode_pointer(BatchPointer(batch_id=_batch_id_of(key), session=session, bucket=bucket, key=key))


def _batch_id_of(key: str) -> str:
    match = _BATCH_KEY.fullmatch(key)
    if match is None:
        raise InvalidEnvelope(f"key: not a batch key: {key!r}")
    return match["batch_id"]


def encode_pointer(pointer: BatchPointer) -> str:
    """The SQS body: compact JSON with every character SQS refuses written as a JSON escape (the
    same string once decoded). A body over SQS's size limit goes without its inline events: ingest
    then reads the batch object."""
    body = _sqs_safe_json(pointer.model_dump(mode="json"))
    if pointer.events is not None and len(body.encode("utf-8", "surrogatepass")) > SQS_BODY_LIMIT_BYTES:
        return encode_pointer(pointer.model_copy(update={"events": None}))
    return body


def _sqs_safe_json(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _SQS_REFUSED.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def decode_pointer(body: str | bytes) -> BatchPointer:
    """The pointer in an SQS body; InvalidEnvelope (UnsupportedVersion for `v` != 1) otherwise."""
    data = load_json_object(body, "pointer")
    check_version(data, "pointer")
    try:
        return BatchPointer.model_validate(data)
    except ValidationError as error:
        raise InvalidEnvelope(describe(error, "pointer")) from error
