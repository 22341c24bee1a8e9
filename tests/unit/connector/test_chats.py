"""GroupInfoEv, JoinedGroupEv and NewsletterJoinEv translation, through neonize's dispatcher."""

from __future__ import annotations

from typing import Any

from deeplens_connector.translate import participants_changed, translate_group_info
from neonize.proto import Neonize_pb2 as N

from tests.unit.connector.golden_chats import joined_sub_group
from tests.unit.connector.neonize_fixtures import (
    ANNA,
    ANNA_LID,
    BOB,
    COMMUNITY,
    GROUP,
    SESSION,
    Capture,
    group_jid,
    jid,
)

NOW = 1_764_300_000_000
GROUP_JID, COMMUNITY_JID = f"{GROUP}@g.us", f"{COMMUNITY}@g.us"


def group_info(**change: Any) -> Any:
    return N.GroupInfoEvent(JID=group_jid(), Sender=jid(BOB), Timestamp=NOW // 1000, **change)


def chats(capture: Capture) -> list[tuple[Any, ...]]:
    return [
        (e.jid, e.chat_kind, e.name, e.parent_jid, e.participants) for e in capture.events if e.kind == "chat"
    ]


def changes(capture: Capture) -> list[tuple[Any, ...]]:
    """The timeline entries (group_changes.py): (change, actor, participants, value, on, timer)."""
    return [
        (e.change, e.actor_jid, e.participants, e.value, e.on, e.timer_s)
        for e in capture.events
        if e.kind == "group_change"
    ]


def test_group_rename_is_a_chat_update_when_the_name_changes() -> None:
    capture = Capture(now_ms=NOW).feed(group_info(Name=N.GroupName(Name="Orga 2026", NameSetBy=jid(BOB))))
    assert chats(capture) == [(GROUP_JID, "group", "Orga 2026", None, None)]
    assert capture.events[0].event_id == f"chat:{GROUP_JID}:{NOW}"


def test_group_join_and_leave_ask_for_a_snapshot_when_members_change() -> None:
    change = group_info(Join=[jid("4915177777777")], Leave=[jid("4915188888888")])
    capture = Capture(now_ms=NOW).feed(change)
    assert (chats(capture), capture.errors) == ([], [])  # a delta is not the member list
    assert participants_changed(capture.received[0])
    assert not participants_changed(group_info(Name=N.GroupName(Name="x")))


def test_community_link_names_both_sides_when_a_sub_group_is_linked() -> None:
    sub = N.GroupLinkTarget(JID=group_jid(GROUP), GroupName=N.GroupName(Name="Orga"))
    linked = N.GroupInfoEvent(
        JID=group_jid(COMMUNITY),
        Timestamp=NOW // 1000,
        Link=N.GroupLinkChange(Type=N.GroupLinkChange.SUB, Group=sub),
    )
    assert chats(Capture(now_ms=NOW).feed(linked)) == [
        (COMMUNITY_JID, "community", None, None, None),
        (GROUP_JID, "group", "Orga", COMMUNITY_JID, None),
    ]


def test_group_learns_its_community_when_linked_to_a_parent() -> None:
    parent = N.GroupLinkTarget(JID=group_jid(COMMUNITY), GroupName=N.GroupName(Name="Nachbarschaft"))
    linked = group_info(Link=N.GroupLinkChange(Type=N.GroupLinkChange.PARENT, Group=parent))
    assert chats(Capture(now_ms=NOW).feed(linked)) == [
        (GROUP_JID, "group", None, COMMUNITY_JID, None),
        (COMMUNITY_JID, "community", "Nachbarschaft", None, None),
    ]


def test_community_rename_keeps_the_kind_when_the_caller_knows_it() -> None:
    renamed = N.GroupInfoEvent(JID=group_jid(COMMUNITY), Name=N.GroupName(Name="Kiez"), Timestamp=1)
    [event, change] = translate_group_info(renamed, session=SESSION, now_ms=NOW, is_community=True)
    assert (event.chat_kind, event.name) == ("community", "Kiez")
    assert (change.kind, change.change, change.value) == ("group_change", "subject", "Kiez")


def test_joined_sub_group_names_its_community_and_lid_pairs_when_we_are_added() -> None:
    capture = Capture(now_ms=NOW).feed(joined_sub_group(NOW))
    group, community, pair = capture.events
    members = [(m.jid, m.is_admin, m.is_super_admin) for m in group.participants]
    assert (group.jid, group.chat_kind, group.parent_jid) == (GROUP_JID, "group", COMMUNITY_JID)
    assert members == [
        (f"{BOB}@s.whatsapp.net", True, True),
        ("4917000000001@s.whatsapp.net", True, False),
        (f"{ANNA_LID}@lid", False, False),
    ]
    assert (community.jid, community.chat_kind, community.name) == (COMMUNITY_JID, "community", None)
    assert (pair.kind, pair.lid, pair.phone_jid) == (
        "lid_mapping",
        f"{ANNA_LID}@lid",
        f"{ANNA}@s.whatsapp.net",
    )


def test_group_event_fails_alone_when_its_jid_is_not_a_group() -> None:
    bad = N.GroupInfoEvent(JID=jid("nonsense", "g.us"), Name=N.GroupName(Name="x"), Timestamp=1)
    capture = Capture(now_ms=NOW).feed(bad, group_info(Name=N.GroupName(Name="ok")))
    assert [e.name for e in capture.events if e.kind == "chat"] == ["ok"]
    [error] = capture.errors
    assert str(error).startswith("group info nonsense@g.us: ")


def test_group_changes_become_timeline_entries_when_group_info_reports_them() -> None:
    bob, anna, carla = f"{BOB}@s.whatsapp.net", f"{ANNA}@s.whatsapp.net", "4915177777777@s.whatsapp.net"
    change = group_info(
        Name=N.GroupName(Name="Orga 2026", NameSetBy=jid(BOB)),
        Topic=N.GroupTopic(Topic="Wer bringt was?"),
        Announce=N.GroupAnnounce(IsAnnounce=True),
        Locked=N.GroupLocked(isLocked=False),
        Ephemeral=N.GroupEphemeral(IsEphemeral=True, DisappearingTimer=604_800),
        Join=[jid(BOB), jid("4915177777777")],
        Leave=[jid(ANNA)],
        Promote=[jid("4915177777777")],
        Demote=[jid(ANNA)],
    )
    assert changes(Capture(now_ms=NOW).feed(change)) == [
        ("subject", bob, [], "Orga 2026", None, None),
        ("description", bob, [], "Wer bringt was?", None, None),
        ("announce", bob, [], None, True, None),
        ("locked", bob, [], None, False, None),
        ("ephemeral", bob, [], None, True, 604_800),
        ("joined", bob, [bob], None, None, None),  # Bob joined himself, and added Carla
        ("added", bob, [carla], None, None, None),
        ("removed", bob, [anna], None, None, None),
        ("promoted", bob, [carla], None, None, None),
        ("demoted", bob, [anna], None, None, None),
    ]


def test_group_change_has_one_stable_id_when_the_same_event_comes_twice() -> None:
    change = group_info(Leave=[jid(BOB)], Topic=N.GroupTopic(TopicDeleted=True))
    first, second = (Capture(now_ms=NOW + n).feed(change).events for n in (0, 5_000))
    assert [e.event_id for e in first] == [e.event_id for e in second]
    assert changes(Capture(now_ms=NOW).feed(change)) == [
        ("description", f"{BOB}@s.whatsapp.net", [], None, None, None),  # the description was removed
        ("left", f"{BOB}@s.whatsapp.net", [f"{BOB}@s.whatsapp.net"], None, None, None),
    ]


def test_members_joined_on_their_own_when_the_event_names_no_sender() -> None:
    change = N.GroupInfoEvent(JID=group_jid(), Timestamp=NOW // 1000, Join=[jid(ANNA)])
    assert changes(Capture(now_ms=NOW).feed(change)) == [
        ("joined", None, [f"{ANNA}@s.whatsapp.net"], None, None, None)
    ]
