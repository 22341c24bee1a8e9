"""Pure archive rules: canonical identities, merging copies, tracking defaults."""

from __future__ import annotations

from typing import Any

from deeplens.domain.archive_plan import (
    ArchiveContext,
    TrackingPolicy,
    identity_pairs,
    merge_messages,
    plan_archive,
)
from deeplens.domain.archive_rows import ArchivePlan
from deeplens.domain.envelope import parse_event

from tests import factories as f

TRACK_ALL = ArchiveContext(aliases={}, tracked={}, policy=TrackingPolicy(True, True))


def _plan(events: list[dict[str, Any]], context: ArchiveContext = TRACK_ALL) -> ArchivePlan:
    return plan_archive([parse_event(event) for event in events], context)


def test_learns_lid_phone_pairs_when_mapping_contact_or_sender_alt_says_so() -> None:
    events = [
        f.lid_mapping(f.LID, f.PN, f.T0),
        f.contact(f.BOB_PN, f.T0, lid=f.BOB_LID, phone_jid=f.BOB_PN),
        f.message(f.GROUP, "M1", "111111111111111@lid", f.T0, sender_alt_jid="4915000000001@s.whatsapp.net"),
    ]
    pairs = identity_pairs([parse_event(event) for event in events])
    assert pairs == {
        f.LID: f.PN,
        f.BOB_LID: f.BOB_PN,
        "111111111111111@lid": "4915000000001@s.whatsapp.net",
    }


def test_message_under_lid_lands_in_phone_chat_when_alias_is_known() -> None:
    context = ArchiveContext(aliases={f.LID: f.PN}, tracked={}, policy=TrackingPolicy())
    plan = _plan([f.message(f.LID, "M1", f.LID, f.T0, "hi")], context)
    [row] = plan.messages
    assert (row.chat_jid, row.sender_jid, row.sender_alt_jid) == (f.PN, f.PN, f.LID)
    assert [chat.jid for chat in plan.chats] == [f.PN]


def test_live_copy_leads_and_history_fills_gaps_when_both_arrive() -> None:
    plan = _plan(
        [
            f.message(f.PN, "M1", f.PN, f.T0, "hi", source="history", push_name="Anna"),
            f.message(f.PN, "M1", f.PN, f.T0, "hi"),
        ]
    )
    [row] = plan.messages
    assert (row.source, row.push_name) == ("live", "Anna")


def test_merge_is_symmetric_when_copies_swap_order() -> None:
    plan_a = _plan([f.message(f.PN, "M1", f.PN, f.T0, "a", source="history", push_name="A")])
    plan_b = _plan([f.message(f.PN, "M1", f.PN, f.T0, None, push_name=None)])
    history, live = plan_a.messages[0], plan_b.messages[0]
    assert merge_messages(history, live) == merge_messages(live, history)


def test_new_group_is_untracked_and_keeps_no_content_when_groups_default_off() -> None:
    context = ArchiveContext(aliases={}, tracked={}, policy=TrackingPolicy(track_groups=False))
    plan = _plan(
        [f.message(f.GROUP, "G1", f.BOB_PN, f.T0, "x"), f.reaction(f.GROUP, "G1", f.ME, "👍", f.T0)], context
    )
    assert plan.messages == [] and plan.reactions == []
    assert [(t.jid, t.type, t.is_tracked) for t in plan.tracking] == [(f.GROUP, "group", False)]
    assert [c.jid for c in plan.chats] == [f.GROUP]


def test_user_choice_wins_over_default_when_chat_is_known() -> None:
    context = ArchiveContext(aliases={}, tracked={f.PN: False}, policy=TrackingPolicy(track_private=True))
    plan = _plan([f.message(f.PN, "D1", f.PN, f.T0, "x")], context)
    assert plan.messages == [] and plan.tracking == []


def test_newest_reaction_per_person_wins_when_batch_has_several() -> None:
    plan = _plan(
        [
            f.reaction(f.PN, "M1", f.PN, "👍", f.T0 + 2),
            f.reaction(f.PN, "M1", f.PN, "❤️", f.T0 + 1),
            f.reaction(f.PN, "M1", f.LID, "", f.T0 + 3),
        ],
        ArchiveContext(aliases={f.LID: f.PN}, tracked={}, policy=TrackingPolicy()),
    )
    assert [(r.reactor_jid, r.emoji) for r in plan.reactions] == [(f.PN, "")]


def test_receipts_keep_highest_status_and_earliest_revoke_when_merged() -> None:
    plan = _plan(
        [
            f.receipt(f.PN, ["M1"], 1, f.T0),
            f.receipt(f.PN, ["M1"], 3, f.T0 + 1),
            f.revoke(f.PN, "M1", f.PN, f.T0 + 9),
            f.revoke(f.PN, "M1", f.ME, f.T0 + 5),
        ]
    )
    [mark] = plan.marks
    assert (mark.status, mark.revoked_at, mark.revoked_by) == (3, f.T0 + 5, f.ME)


def test_policy_puts_channels_and_status_with_groups_when_deciding_defaults() -> None:
    policy = TrackingPolicy(track_groups=False, track_private=True)
    kinds = ("direct", "broadcast", "group", "community", "newsletter", "status")
    assert [policy.default_for(kind) for kind in kinds] == [True, True, False, False, False, False]


def test_status_is_untracked_when_every_other_chat_is_tracked_by_default() -> None:
    policy = TrackingPolicy(track_groups=True, track_private=True)
    kinds = ("direct", "broadcast", "group", "community", "newsletter", "status")
    assert [policy.default_for(kind) for kind in kinds] == [True, True, True, True, True, False]
