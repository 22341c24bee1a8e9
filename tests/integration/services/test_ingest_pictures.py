"""Profile pictures through ingest: the newest per JID is kept in any arrival order, a replay of an
older one never overwrites it, and the chat list hears of the change."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.services.ingest import IngestDeps, ingest_record

from tests import factories as f
from tests.integration.services.test_ingest_archive import inline_record, rows
from tests.unit.domain.test_pictures import picture

CURRENT = "SELECT jid, picture_id, bucket_key, changed_at FROM profile_pictures ORDER BY jid"


def test_newest_picture_is_kept_when_records_arrive_in_any_order_and_twice(
    fresh_databases: Callable[[], str], make_deps: Callable[..., IngestDeps]
) -> None:
    events = [picture(f.PN, "100", f.T0), picture(f.PN, "200", f.T0 + 5), picture(f.GROUP, "300", f.T0 + 1)]
    expected = [
        (f.PN, "200", "profile/4915112345678@s.whatsapp.net/200.jpg", f.T0 + 5),
        (f.GROUP, "300", "profile/120363012345678901@g.us/300.jpg", f.T0 + 1),
    ]
    for order in itertools.permutations(events):
        url = fresh_databases()
        deps = make_deps(url, TrackingPolicy(track_groups=True))
        for index, event in enumerate([*order, *order]):  # the second pass replays every record
            ingest_record(inline_record([event], f"record-{index}"), deps)
        assert rows(url, CURRENT) == sorted(expected)


def test_older_picture_replayed_never_overwrites_a_removal(
    database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    deps = make_deps(database_url)
    ingest_record(inline_record([picture(f.PN, None, f.T0 + 9)], "removed"), deps)
    ingest_record(inline_record([picture(f.PN, "100", f.T0)], "old-replayed"), deps)
    assert rows(database_url, CURRENT) == [(f.PN, None, None, f.T0 + 9)]


def test_picture_moves_to_the_phone_jid_when_its_lid_is_resolved_later(
    database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    deps = make_deps(database_url)
    ingest_record(inline_record([picture(f.LID, "100", f.T0)], "under-lid"), deps)
    ingest_record(inline_record([f.lid_mapping(f.LID, f.PN, f.T0 + 1)], "mapping"), deps)
    assert rows(database_url, CURRENT) == [(f.PN, "100", "profile/123456789012345@lid/100.jpg", f.T0)]


def test_chat_is_marked_changed_when_its_picture_changes(
    database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    deps = make_deps(database_url)
    ingest_record(inline_record([picture(f.GROUP, "300", f.T0)], "group-picture"), deps)
    assert rows(database_url, "SELECT chat_jid FROM archive_changes") == [(f.GROUP,)]
