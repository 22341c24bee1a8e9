"""The change log's pure rules: one entry per chat a batch touched, bounded id lists, folding."""

from __future__ import annotations

from typing import Any

from deeplens.domain.archive_plan import ArchiveContext, TrackingPolicy, plan_archive
from deeplens.domain.changes import MAX_IDS_PER_CHAT, ChatChange, changed_chats, is_reset_needed, merged
from deeplens.domain.envelope import parse_event

from tests import factories as f

TRACK_ALL = ArchiveContext(aliases={}, tracked={}, policy=TrackingPolicy(True, True))


def _changes(events: list[dict[str, Any]], moved: list[tuple[str, str]] | None = None) -> list[ChatChange]:
    plan = plan_archive([parse_event(event) for event in events], TRACK_ALL)
    return changed_chats(plan, moved or [])


def test_names_each_chat_once_with_the_ids_of_every_kind_of_change() -> None:
    changes = _changes(
        [
            f.message(f.PN, "M1", f.PN, f.T0),
            f.edit(f.PN, "M0", "better", f.T0 + 1),
            f.reaction(f.PN, "M9", f.ME, "👍", f.T0 + 2),
            f.receipt(f.PN, ["M8"], 3, f.T0 + 3),
            f.revoke(f.GROUP, "G1", f.BOB_PN, f.T0 + 4),
        ]
    )
    assert changes == [ChatChange(f.GROUP, ("G1",)), ChatChange(f.PN, ("M0", "M1", "M8", "M9"))]


def test_names_a_newly_seen_chat_without_messages() -> None:
    assert _changes([f.chat(f.COMMUNITY, "community", "Neighbours", f.T0)]) == [ChatChange(f.COMMUNITY, ())]


def test_asks_for_a_reload_when_a_batch_writes_too_many_messages_of_one_chat() -> None:
    many = [f.message(f.PN, f"M{n}", f.PN, f.T0 + n) for n in range(MAX_IDS_PER_CHAT + 1)]
    assert _changes(many) == [ChatChange(f.PN, None)]


def test_asks_for_a_reload_of_both_chats_when_an_identity_merge_moved_messages() -> None:
    changes = _changes([f.lid_mapping(f.LID, f.PN, f.T0)], moved=[(f.PN, "M1")])
    assert ChatChange(f.PN, None) in changes
    assert ChatChange(f.LID, ()) in changes  # its list entry is gone


def test_nothing_is_logged_when_a_batch_touches_no_chat() -> None:
    assert _changes([f.connection("connected", f.T0)]) == []


def test_folds_revisions_per_chat_into_one_union_or_a_reload() -> None:
    folded = merged([("a", ["2", "1"]), ("b", ["x"]), ("a", ["1", "3"]), ("b", None), ("b", ["y"])], 10)
    assert folded == {"a": ["1", "2", "3"], "b": None}
    assert merged([("a", ["1", "2"]), ("a", ["3"])], 2) == {"a": None}


def test_a_cursor_outside_the_kept_log_or_ahead_of_the_archive_needs_a_reset() -> None:
    assert not is_reset_needed(since=10, current=12, kept_from=11)
    assert is_reset_needed(since=9, current=12, kept_from=11)
    assert is_reset_needed(since=13, current=12, kept_from=1)
    assert not is_reset_needed(since=0, current=5, kept_from=1)
