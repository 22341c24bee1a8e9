from __future__ import annotations

import pytest
from deeplens.domain.retry import SQS_MAX_VISIBILITY_S, RetrySchedule


def test_delay_doubles_from_the_base_up_to_its_cap() -> None:
    schedule = RetrySchedule(base_s=5, max_s=300, budget_s=3600)
    assert [schedule.delay(n) for n in range(1, 9)] == [5, 10, 20, 40, 80, 160, 300, 300]
    assert schedule.delay(10_000) == 300  # no overflow for a record received very often


def test_delay_never_passes_what_sqs_allows() -> None:
    assert RetrySchedule(base_s=60, max_s=10**9, budget_s=1).delay(40) == SQS_MAX_VISIBILITY_S


@pytest.mark.parametrize(
    ("schedule", "receives"),
    [
        (RetrySchedule(5, 300, 3600), 17),  # 315 s after 6 receives, then 300 s each
        (RetrySchedule(30, 900, 3600), 8),
        (RetrySchedule(1, 4, 10), 4),
        (RetrySchedule(5, 300, 1), 1),
    ],
)
def test_max_receive_count_covers_the_budget_with_the_fewest_receives(
    schedule: RetrySchedule, receives: int
) -> None:
    assert schedule.max_receive_count == receives
    covered = sum(schedule.delay(n) for n in range(1, receives + 1))
    assert covered >= schedule.budget_s
    assert covered - schedule.delay(receives) < schedule.budget_s
