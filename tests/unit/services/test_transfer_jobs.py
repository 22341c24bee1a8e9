"""Pure parts of the job plumbing: the jobs-queue message, and when an active job counts as cut off
(a queued job waits longer when the job function runs it: nothing beats for it in the queue)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from deeplens.adapters.transfer_jobs import JobRow
from deeplens.domain.errors import InvalidRequest
from deeplens.services.transfer_jobs import (
    QUEUED_STALE_S,
    STALE_S,
    JobMessage,
    is_stale,
    job_message,
    parse_job_message,
)

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def _job(state: str, beat_s_ago: float | None) -> JobRow:
    beat = None if beat_s_ago is None else NOW - timedelta(seconds=beat_s_ago)
    return JobRow(uuid.uuid4(), "export", state, {}, {}, None, None, None, NOW, NOW, beat)


def test_a_job_message_round_trips() -> None:
    job_id = uuid.uuid4()
    assert parse_job_message(job_message("import", job_id, "acct_2")) == JobMessage(
        "import", job_id, "acct_2"
    )


@pytest.mark.parametrize(
    "body",
    [
        "",
        "[]",
        '{"kind": "export"}',
        '{"kind": "export", "job": "x", "session": "primary_agent"}',
        '{"kind": "export", "job": "' + str(uuid.uuid4()) + '"}',
        '{"kind": "export", "job": "' + str(uuid.uuid4()) + '", "session": "a/../b"}',
        '{"kind": "backup", "job": "' + str(uuid.uuid4()) + '", "session": "primary_agent"}',
    ],
)
def test_anything_else_is_not_a_job_message(body: str) -> None:
    with pytest.raises(InvalidRequest):
        parse_job_message(body)


def test_running_jobs_are_stale_after_stale_s_and_queued_ones_after_their_own_limit() -> None:
    assert not is_stale(_job("running", STALE_S - 1), NOW)
    assert is_stale(_job("running", STALE_S + 1), NOW)
    assert is_stale(_job("queued", STALE_S + 1), NOW)  # locally a queued job starts at once
    assert not is_stale(_job("queued", STALE_S + 1), NOW, queued_s=QUEUED_STALE_S)
    assert is_stale(_job("queued", QUEUED_STALE_S + 1), NOW, queued_s=QUEUED_STALE_S)
    assert not is_stale(_job("created", None), NOW)
