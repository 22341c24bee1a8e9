from __future__ import annotations

import gzip
import json
import re
from typing import Any

import pytest
from deeplens.domain.batch import (
    INLINE_LIMIT_BYTES,
    SQS_BODY_LIMIT_BYTES,
    BatchPointer,
    batch_key,
    decode_batch,
    decode_pointer,
    encode_batch,
    encode_pointer,
    pointer_for,
    pointer_for_key,
    rejected_key,
    should_inline,
)
from deeplens.domain.envelope import dump_event, parse_event
from deeplens.domain.errors import InvalidEnvelope, UnsupportedVersion

SESSION = "primary_agent"
BUCKET = "deeplens-events"
KEY = "events/primary_agent/2025/11/24/01JDQ3Z8Y6N1S0M4K2W7H9C5XA.jsonl.gz"
BATCH_ID = "01JDQ3Z8Y6N1S0M4K2W7H9C5XA"
T0 = 1_764_000_000_000  # 2025-11-24T16:00:00Z


def test_batch_round_trips_when_encoded_and_decoded(all_goldens: dict[str, dict[str, Any]]) -> None:
    events = [parse_event(golden) for golden in all_goldens.values()]
    data = encode_batch(events)
    assert decode_batch(data) == [dump_event(event) for event in events]
    assert encode_batch(events) == data  # deterministic: no gzip timestamp
    assert len(gzip.decompress(data).decode().split("\n")) == len(events) + 1


def test_batch_keeps_line_separators_inside_text_when_encoded(load_golden: Any) -> None:
    event = parse_event(load_golden("message_text") | {"text": "eins\u2028zwei\ndrei\r\n"})
    assert decode_batch(encode_batch([event])) == [dump_event(event)]


def test_decode_batch_returns_raw_dicts_when_a_line_is_not_a_valid_envelope() -> None:
    data = gzip.compress(b'{"v": 1, "kind": "message"}\n\n{"v": 2}\n')
    assert decode_batch(data) == [{"v": 1, "kind": "message"}, {"v": 2}]


def test_decode_batch_is_empty_when_the_batch_has_no_lines() -> None:
    assert decode_batch(encode_batch([])) == []


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "batch: not gzip'd UTF-8"),
        (b'{"v": 1}\n', "batch: not gzip'd UTF-8"),
        (gzip.compress(b'{"v": 1}\n')[:-9], "batch: not gzip'd UTF-8"),
        (gzip.compress(b'{"v": 1}\n')[:12] + b"\x00" * 20, "batch: not gzip'd UTF-8"),
        (gzip.compress(b"\xff\xfe\n"), "batch: not gzip'd UTF-8"),
        (gzip.compress(b'{"v": 1}\n{"v": 1\n'), "batch line 2: not JSON"),
        (gzip.compress(b'{"v": 1}\n[1, 2]\n'), "batch line 2: expected a JSON object, got list"),
    ],
)
def test_decode_batch_raises_invalid_envelope_when_data_is_corrupt(data: bytes, reason: str) -> None:
    with pytest.raises(InvalidEnvelope) as caught:
        decode_batch(data)
    assert str(caught.value).startswith(reason)


@pytest.mark.parametrize(
    ("at_ms", "key"),
    [
        (T0, f"events/{SESSION}/2025/11/24/b-1.jsonl.gz"),
        (1_764_028_799_999, f"events/{SESSION}/2025/11/24/b-1.jsonl.gz"),  # 23:59:59.999 UTC
        (1_764_028_800_000, f"events/{SESSION}/2025/11/25/b-1.jsonl.gz"),
        (1_704_067_200_000, f"events/{SESSION}/2024/01/01/b-1.jsonl.gz"),
    ],
)
def test_batch_key_uses_the_utc_day_when_built(at_ms: int, key: str) -> None:
    assert batch_key(SESSION, "b-1", at_ms) == key


@pytest.mark.parametrize(
    ("session", "batch_id"), [("a/b", "b-1"), ("", "b-1"), (SESSION, "../x"), (SESSION, "a.b")]
)
def test_batch_key_raises_when_session_or_batch_id_could_escape_the_layout(
    session: str, batch_id: str
) -> None:
    with pytest.raises(InvalidEnvelope):
        batch_key(session, batch_id, T0)


def test_pointer_round_trips_when_encoded_and_decoded(all_goldens: dict[str, dict[str, Any]]) -> None:
    events = [parse_event(golden) for golden in all_goldens.values()]
    pointer = pointer_for(BUCKET, KEY, SESSION, events)
    assert (pointer.batch_id, pointer.count, pointer.events) == (
        BATCH_ID,
        len(events),
        list(all_goldens.values()),
    )
    body = encode_pointer(pointer)
    assert decode_pointer(body) == decode_pointer(body.encode()) == pointer


def test_pointer_leaves_events_out_when_they_are_too_big_to_inline(load_golden: Any) -> None:
    big = parse_event(load_golden("message_text") | {"text": "x" * 150_000})
    pointer = pointer_for(BUCKET, KEY, SESSION, [big, big])
    assert (pointer.count, pointer.events) == (2, None)


# What SQS accepts in a message body (its documented character set).
_SQS_ALLOWED = re.compile(r"^[\t\n\r\x20-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]*$")


@pytest.mark.parametrize("text", ["a\uffffb", "\ufffe", "x\ud800y", "\udfff", "ok \U0001f600 é \x01\x1f\x7f"])
def test_pointer_body_has_only_characters_sqs_accepts_and_decodes_to_the_same_text(
    load_golden: Any, text: str
) -> None:
    event = parse_event(load_golden("message_text") | {"text": "start"})
    pointer = pointer_for(BUCKET, KEY, SESSION, [event])
    assert pointer.events is not None
    pointer.events[0]["text"] = text  # as decode_batch would hand it over
    body = encode_pointer(pointer)
    assert _SQS_ALLOWED.match(body)
    assert decode_pointer(body).events == pointer.events


def test_pointer_body_drops_inline_events_when_escaping_would_pass_the_sqs_limit(load_golden: Any) -> None:
    event = parse_event(load_golden("message_text"))
    pointer = pointer_for(BUCKET, KEY, SESSION, [event, event])
    assert pointer.events is not None
    for inline in pointer.events:
        inline["text"] = "\uffff" * 30_000  # 90 KB as UTF-8, 180 KB escaped: 360 KB for the two
    body = encode_pointer(pointer)
    assert len(body.encode()) <= SQS_BODY_LIMIT_BYTES
    assert decode_pointer(body).events is None and decode_pointer(body).count == 2


def test_rejected_key_sits_beside_the_log_under_the_utc_day() -> None:
    assert rejected_key(SESSION, "x.json", T0) == "rejected/primary_agent/2025/11/24/x.json"
    with pytest.raises(InvalidEnvelope):
        rejected_key("../etc", "x.json", T0)


def test_pointer_for_key_has_no_count_or_events_when_re_enqueued_from_the_log() -> None:
    pointer = decode_pointer(pointer_for_key(BUCKET, KEY, SESSION))
    assert pointer == BatchPointer(batch_id=BATCH_ID, session=SESSION, bucket=BUCKET, key=KEY)
    with pytest.raises(InvalidEnvelope, match="not a batch key"):
        pointer_for_key(BUCKET, "events/primary_agent/other.json", SESSION)


def _pointer(**change: Any) -> str:
    body = {
        "v": 1,
        "batch_id": BATCH_ID,
        "session": SESSION,
        "bucket": BUCKET,
        "key": KEY,
        "count": 0,
        "events": [],
    }
    return json.dumps(body | change)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not json", "pointer: not JSON"),
        ("[]", "pointer: expected a JSON object, got list"),
        (_pointer(bucket=None), "pointer.bucket: Input should be a valid string"),
        (_pointer(session="someone_else"), "pointer: Value error, key"),
        (_pointer(batch_id="other"), "pointer: Value error, key"),
        (_pointer(count=3), "pointer: Value error, count is 3 but 0 events are inline"),
        (_pointer(count=-1), "pointer.count: Input should be greater than or equal to 0"),
        (_pointer(extra=1), "pointer.extra: Extra inputs are not permitted"),
        (_pointer(bucket="Not_A_Bucket"), "pointer.bucket: String should match pattern"),
    ],
)
def test_decode_pointer_raises_invalid_envelope_when_body_is_bad(body: str, reason: str) -> None:
    with pytest.raises(InvalidEnvelope) as caught:
        decode_pointer(body)
    assert str(caught.value).startswith(reason)


def test_decode_pointer_raises_unsupported_version_when_v_is_not_1() -> None:
    with pytest.raises(UnsupportedVersion, match=r"^pointer\.v: unsupported version 2"):
        decode_pointer(_pointer(v=2))


@pytest.mark.parametrize(
    ("length", "inline"), [(0, True), (INLINE_LIMIT_BYTES, True), (INLINE_LIMIT_BYTES + 1, False)]
)
def test_should_inline_only_when_events_fit_under_the_limit(length: int, inline: bool) -> None:
    assert should_inline(length) is inline
    assert INLINE_LIMIT_BYTES < 256 * 1024  # the SQS message size limit
