"""The fault drills, scaled down for `make test` (bench/soak.py runs them large). Each prints its
figures (run pytest with -s to see them): expected vs stored, rows stored twice, DLQ, time to recover."""

from __future__ import annotations

import sys

from tests.reliability import drills
from tests.reliability.lab import Figures, Lab


def _report(figures: Figures) -> Figures:
    sys.stdout.write(figures.line() + "\n")
    return figures


def test_duplicate_shuffled_delivery_gives_the_archive_of_a_clean_in_order_run(lab: Lab) -> None:
    figures = _report(drills.duplicate_shuffled(lab, messages=300))
    assert (figures.stored, figures.stored_twice, figures.dlq) == (300, 0, 0)
    assert "in-order run 12/12" in figures.note


def test_worker_killed_mid_ingest_loses_and_doubles_nothing(lab: Lab) -> None:
    figures = _report(drills.worker_kill9(lab, messages=300))
    assert (figures.stored, figures.stored_twice, figures.dlq) == (300, 0, 0)


def test_postgres_outage_longer_than_the_old_receive_budget_sends_nothing_to_the_dlq(lab: Lab) -> None:
    figures = _report(drills.postgres_outage(lab, messages=200, outage_s=8))
    assert (figures.stored, figures.stored_twice, figures.dlq) == (200, 0, 0)


def test_s3_and_sqs_outage_while_publishing_loses_nothing(lab: Lab) -> None:
    figures = _report(drills.s3_sqs_outage(lab, messages=300, outage_s=4))
    assert (figures.stored, figures.stored_twice, figures.dlq) == (300, 0, 0)


def test_poison_among_good_reaches_the_dlq_alone_with_its_reason(lab: Lab) -> None:
    figures = _report(drills.poison_among_good(lab, messages=200))
    assert (figures.stored, figures.stored_twice, figures.dlq) == (200, 0, 4)


def test_hostile_content_is_archived_end_to_end(lab: Lab) -> None:
    figures = _report(drills.hostile_content(lab))
    assert (figures.stored, figures.stored_twice, figures.dlq) == (6, 0, 0)


def test_stop_with_slow_media_in_flight_publishes_pending_and_the_restart_stores_it(lab: Lab) -> None:
    figures = _report(drills.stop_with_media_in_flight(lab, photos=4))
    assert (figures.stored, figures.stored_twice, figures.dlq) == (4, 0, 0)
    assert "4 kept as pending, 0 left after the restart" in figures.note
