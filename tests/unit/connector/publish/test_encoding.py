"""The publisher's batch encoding is the event log format deeplens.domain.batch defines."""

from __future__ import annotations

import gzip
import json

from deeplens.domain.batch import decode_batch, encode_batch
from deeplens.domain.envelope import Event, parse_event
from deeplens_connector.publish.publisher import encode_events, inline_size

from tests.golden.goldens import all_goldens


def golden_events() -> list[Event]:
    return [parse_event(golden) for golden in all_goldens().values()]


def test_batch_lines_are_the_domain_encoding_when_encoded_by_the_publisher() -> None:
    events = golden_events()  # every kind; unicode, floats, nulls, nested raw protobuf JSON
    assert gzip.decompress(encode_events(events)) == gzip.decompress(encode_batch(events))


def test_batch_decodes_to_the_goldens_when_encoded_by_the_publisher() -> None:
    assert decode_batch(encode_events(golden_events())) == list(all_goldens().values())


def test_batch_bytes_are_the_same_when_the_same_events_are_encoded_again() -> None:
    events = golden_events()
    assert encode_events(events) == encode_events(list(events))  # mtime 0: no clock in the bytes


def test_inline_size_is_the_json_array_size_when_measured_without_parsing() -> None:
    events = golden_events()
    array = json.dumps(decode_batch(encode_events(events)), ensure_ascii=False, separators=(",", ":"))
    assert inline_size(encode_events(events)) == len(array.encode())
