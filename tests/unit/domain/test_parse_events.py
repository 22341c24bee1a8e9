"""Batch parsing: one validator call for a good batch, the first bad event named otherwise."""

from __future__ import annotations

import pytest
from deeplens.domain.envelope import parse_event, parse_events
from deeplens.domain.errors import InvalidEnvelope, UnsupportedVersion

from tests import factories as f


def test_parses_whole_batch_like_single_events_when_all_are_valid() -> None:
    items = [f.message(f.PN, f"M{n}", f.PN, f.T0 + n, f"text {n}") for n in range(5)] + [
        f.receipt(f.PN, ["M1"], 2, f.T0)
    ]
    assert parse_events(items) == [parse_event(item) for item in items]


def test_names_first_bad_event_when_one_is_invalid() -> None:
    bad = f.message(f.PN, "M2", f.PN, f.T0, "x")
    bad["timestamp_ms"] = -5
    items = [f.message(f.PN, "M1", f.PN, f.T0, "ok"), bad]
    with pytest.raises(InvalidEnvelope, match=r"event #1 \(msg-.*M2-live\): message.timestamp_ms"):
        parse_events(items)


def test_keeps_unsupported_version_error_when_an_event_has_v2() -> None:
    newer = f.message(f.PN, "M1", f.PN, f.T0, "ok")
    newer["v"] = 2
    with pytest.raises(UnsupportedVersion, match="event #0"):
        parse_events([newer])
