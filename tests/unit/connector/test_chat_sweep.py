"""The chat sweep after each connect (OfflineSyncCompletedEv): joined groups and followed channels
become `chat` events, with the tracking decision of a chat nobody chose for yet. neonize's own
dispatcher delivers the event; only the client reads are faked, and their answers are the real
neonize protos parsed from bytes, as neonize parses Go's answer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.envelope import Event, dump_event, parse_event
from deeplens_connector import chat_reads, runtime
from deeplens_connector.pipeline import Pipeline, PipelineHooks
from deeplens_connector.session.client import register_pipeline
from deeplens_connector.tracking import ChatPolicy, Tracking, default_policy
from deeplens_connector.translate import ChatDiff
from neonize.client import NewClient
from neonize.exc import GetJoinedGroupsError, GetSubscribedNewslettersError
from neonize.proto import Neonize_pb2 as N

from tests.golden.goldens import load_golden
from tests.unit.connector import golden_chats as chats
from tests.unit.connector.golden_events import T0
from tests.unit.connector.neonize_fixtures import BOB, NEWSLETTER, SESSION, complete, feed, group_jid, jid
from tests.unit.connector.test_pipeline_client_reads import NoMedia, offline_sync_done

SWEPT_AT = T0 + 7_000  # the golden chat_newsletter's clock


class Defaults:
    """No choice stored for any chat: DEFAULT_TRACK_* decides (groups and channels untracked)."""

    def __init__(self, track_groups: bool = False) -> None:
        self.policy = TrackingPolicy(track_groups=track_groups, track_private=True)

    def policy_for(self, jid: str, kind: str) -> ChatPolicy:
        return default_policy(self.policy, kind)


def joined(*groups: Any) -> Any:
    """What neonize's get_joined_groups returns: the GroupInfo list parsed from Go's bytes."""
    data = complete(N.GetJoinedGroupsReturnFunction(Group=list(groups))).SerializeToString()
    return N.GetJoinedGroupsReturnFunction.FromString(data).Group


def followed(*newsletters: Any) -> Any:
    """What neonize's get_subscribed_newletters returns, parsed from Go's bytes."""
    answer = N.GetSubscribedNewslettersReturnFunction(Newsletter=list(newsletters))
    data = complete(answer).SerializeToString()
    return N.GetSubscribedNewslettersReturnFunction.FromString(data).Newsletter


def stadtwerke() -> Any:
    return chats.followed_newsletter(0).NewsletterMetadata


def silent_group(name: str = "Hausverwaltung") -> Any:
    return N.GroupInfo(
        JID=group_jid("120363055555555555"),
        OwnerJID=jid(BOB),
        GroupName=N.GroupName(Name=name),
        Participants=[chats.member(jid(BOB), super_admin=True)],
    )


def started(
    events: Iterable[Any], hooks: PipelineHooks, track_groups: bool = False
) -> tuple[Pipeline, list[Event]]:
    """A running pipeline fed `events` through neonize's dispatcher, and what it published."""
    published: list[Event] = []
    pipeline = Pipeline(SESSION, Tracking(Defaults(track_groups)), NoMedia(), published.append,  # type: ignore[arg-type]
                        own_jid=lambda: None, hooks=hooks, clock=lambda: SWEPT_AT / 1000)  # fmt: skip
    client = NewClient("unused", uuid="unit-test-sweep")
    register_pipeline(client, pipeline.start())
    for ev in events:
        feed(client, ev)
    return pipeline, published


def run(events: Iterable[Any], hooks: PipelineHooks, track_groups: bool = False) -> list[Event]:
    pipeline, published = started(events, hooks, track_groups)
    assert pipeline.close(5.0)
    return published


def test_silent_groups_and_channels_are_listed_when_the_offline_sync_completes() -> None:
    hooks = PipelineHooks(
        joined_groups=lambda: joined(silent_group()), subscribed_newsletters=lambda: followed(stadtwerke())
    )
    published = run([offline_sync_done()], hooks)
    chats_seen = [(e.jid, e.chat_kind, e.name, e.is_tracked) for e in published if e.kind == "chat"]
    assert chats_seen == [
        ("120363055555555555@g.us", "group", None, False),  # the decision, announced first
        ("120363055555555555@g.us", "group", "Hausverwaltung", None),
        (f"{NEWSLETTER}@newsletter", "newsletter", None, False),
        (f"{NEWSLETTER}@newsletter", "newsletter", "Stadtwerke Info", None),
        ("status@broadcast", "status", None, False),  # opt-in: untracked whatever the defaults
        ("status@broadcast", "status", "Status", None),
    ]
    group = published[1]
    assert [(p.jid, p.is_super_admin) for p in group.participants or []] == [(f"{BOB}@s.whatsapp.net", True)]
    for event in published:
        assert parse_event(dump_event(event)) == event


def test_swept_channel_is_the_golden_chat_newsletter_when_seen_at_the_same_moment() -> None:
    hooks = PipelineHooks(joined_groups=list, subscribed_newsletters=lambda: followed(stadtwerke()))
    published = run([offline_sync_done()], hooks)
    [channel] = [e for e in published if e.kind == "chat" and e.chat_kind == "newsletter" and e.name]
    assert dump_event(channel) == load_golden("chat_newsletter")


def test_sweep_publishes_only_what_changed_when_the_connector_reconnects() -> None:
    answers = iter([joined(silent_group()), joined(silent_group()), joined(silent_group("Haus 12"))])
    published = run([offline_sync_done()] * 3, PipelineHooks(joined_groups=lambda: next(answers)))
    names = [e.name for e in published if e.kind == "chat" and e.is_tracked is None]
    assert names == ["Hausverwaltung", "Status", "Haus 12"]  # the second connect changed nothing


def test_channels_are_still_swept_when_reading_the_groups_fails() -> None:
    def fails() -> Any:
        raise GetJoinedGroupsError("websocket not connected")

    published = run(
        [offline_sync_done()],
        PipelineHooks(joined_groups=fails, subscribed_newsletters=lambda: followed(stadtwerke())),
    )
    assert {e.jid for e in published} == {f"{NEWSLETTER}@newsletter", "status@broadcast"}


def test_one_bad_group_is_skipped_when_the_others_translate() -> None:
    bad = N.GroupInfo(JID=jid("not-a-group", "g.us"), GroupName=N.GroupName(Name="?"))
    published = run([offline_sync_done()], PipelineHooks(joined_groups=lambda: joined(bad, silent_group())))
    assert {e.jid for e in published} == {"120363055555555555@g.us", "status@broadcast"}


def test_nothing_is_swept_when_there_is_no_live_session() -> None:
    assert run([offline_sync_done()], PipelineHooks()) == []  # a replay: no client to ask


def test_client_reads_raise_instead_of_killing_the_process_when_never_connected() -> None:
    """The real Go calls: neonize's get_subscribed_newletters on a client that never connected is
    a nil-pointer panic in whatsmeow (the process dies); chat_reads never makes that call then."""
    client = NewClient("unused", uuid="unit-test-sweep-never-connected")
    with pytest.raises(GetJoinedGroupsError, match="client is nil"):
        chat_reads.joined_groups(client)
    with pytest.raises(GetSubscribedNewslettersError, match="not connected"):
        chat_reads.subscribed_newsletters(client)


def test_status_row_is_untracked_when_groups_are_tracked_by_default() -> None:
    published = run([offline_sync_done()], PipelineHooks(joined_groups=lambda: joined(silent_group())), True)
    decided = {e.jid: e.is_tracked for e in published if e.kind == "chat" and e.is_tracked is not None}
    assert decided == {"120363055555555555@g.us": True, "status@broadcast": False}


def test_unchanged_snapshots_are_not_translated_again_when_swept_twice() -> None:
    diff = ChatDiff()
    assert len(diff.new_snapshots(joined(silent_group()))) == 1
    assert len(diff.new_snapshots(followed(stadtwerke()))) == 1  # a channel: its own key
    assert diff.new_snapshots(joined(silent_group())) == []
    assert diff.new_snapshots(followed(stadtwerke())) == []
    [renamed] = diff.new_snapshots(joined(silent_group("Haus 12")))
    assert renamed.GroupName.Name == "Haus 12"


def test_chats_are_swept_again_when_the_connectors_periodic_reread_is_due() -> None:
    """The live runtime's 30-minute re-read (runtime.periodic_rereads) sweeps the chats as a
    connect does: a group renamed in between is published without a reconnect."""
    groups = iter([joined(silent_group()), joined(silent_group("Haus 12"))])
    contact_reads: list[int] = []

    def read_contacts() -> list[Any]:
        contact_reads.append(1)
        return []

    hooks = PipelineHooks(joined_groups=lambda: next(groups), read_contacts=read_contacts)
    pipeline, published = started([offline_sync_done()], hooks)
    stores, chat_settings = runtime.periodic_rereads()
    assert (stores.kind, stores.every_s, chat_settings.kind) == ("reread_stores", 1800.0, "chat_settings")
    stores.offer_if_due(pipeline)  # just connected: the connect's sweep is fresh, not due yet
    stores.read_at -= runtime.CONTACTS_REREAD_S  # 30 minutes later
    stores.offer_if_due(pipeline)
    stores.offer_if_due(pipeline)  # due again only 30 minutes after that
    assert pipeline.close(5.0)
    names = [e.name for e in published if e.kind == "chat" and e.is_tracked is None]
    assert names == ["Hausverwaltung", "Status", "Haus 12"]
    assert contact_reads == [1, 1]  # the contact store with it, as at a connect


def test_periodic_reread_asks_nothing_when_there_is_no_live_session() -> None:
    pipeline, published = started([], PipelineHooks())  # a replay: no client reads
    pipeline.offer("reread_stores", None)
    assert pipeline.close(5.0)
    assert published == []
