"""Profile pictures: their bucket keys and which one is current, whatever the arrival order."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from deeplens.domain.archive_plan import ArchiveContext, TrackingPolicy, plan_archive
from deeplens.domain.envelope import parse_event
from deeplens.domain.errors import InvalidEnvelope
from deeplens.domain.pictures import picture_key, picture_order

from tests import factories as f

TRACK_ALL = ArchiveContext(aliases={}, tracked={}, policy=TrackingPolicy(True, True))


def picture(jid: str, picture_id: str | None, at: int, author: str | None = None) -> dict[str, Any]:
    event = f.base("picture", at, event_id=f"picture:{jid}:{picture_id}:{at}")
    key = picture_key(jid, picture_id) if picture_id else None
    event.update(jid=jid, picture_id=picture_id, key=key, author_jid=author, changed_at_ms=at)
    return event


def test_key_names_the_canonical_jid_when_the_jid_carries_a_device() -> None:
    assert picture_key("4915112345678:12@s.whatsapp.net", "1764001310") == (
        "profile/4915112345678@s.whatsapp.net/1764001310.jpg"
    )


@pytest.mark.parametrize("picture_id", ["", "../etc", "a/b", "1.jpg", "x" * 65])
def test_key_is_refused_when_the_picture_id_could_leave_its_folder(picture_id: str) -> None:
    with pytest.raises(InvalidEnvelope):
        picture_key(f.PN, picture_id)


def test_later_picture_wins_and_none_counts_when_changes_arrive_in_any_order() -> None:
    changes = [picture(f.PN, "100", f.T0), picture(f.PN, "200", f.T0 + 5), picture(f.PN, None, f.T0 + 9)]
    for order in itertools.permutations(changes):
        [row] = plan_archive([parse_event(event) for event in order], TRACK_ALL).pictures
        assert (row.picture_id, row.bucket_key, row.changed_at) == (None, None, f.T0 + 9)


def test_larger_id_wins_when_two_pictures_share_an_instant() -> None:
    assert picture_order(f.T0, "200") > picture_order(f.T0, "100") > picture_order(f.T0, None)
    same = [picture(f.GROUP, "100", f.T0), picture(f.GROUP, "200", f.T0)]
    for order in (same, same[::-1]):
        [row] = plan_archive([parse_event(event) for event in order], TRACK_ALL).pictures
        assert row.picture_id == "200"


def test_lid_picture_lands_on_the_phone_jid_when_the_alias_is_known() -> None:
    context = ArchiveContext(aliases={f.LID: f.PN}, tracked={}, policy=TrackingPolicy())
    [row] = plan_archive([parse_event(picture(f.LID, "100", f.T0, author=f.LID))], context).pictures
    assert (row.jid, row.author_jid, row.bucket_key) == (f.PN, f.PN, picture_key(f.LID, "100"))
