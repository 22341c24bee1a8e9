"""A chat nobody chose for is decided once, by the connector, and the decision travels with it."""

from __future__ import annotations

from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.envelope import ChatUpdated, MessageSeen, parse_event
from deeplens_connector.chunk_worker import encoded
from deeplens_connector.publish.encoded import Encoded
from deeplens_connector.tracking import ChatPolicy, Tracking, default_policy

from tests import factories as f


class _Defaults:
    """A PolicySource where nothing is configured: every chat gets the defaults."""

    def __init__(self, policy: TrackingPolicy) -> None:
        self.policy = policy

    def policy_for(self, jid: str, kind: str) -> ChatPolicy:
        return default_policy(self.policy, kind)


def _message(chat: str, message_id: str = "3EB0AAAA") -> MessageSeen:
    event = parse_event(f.message(chat, message_id, f.BOB_PN, f.T0, "hello"))
    assert isinstance(event, MessageSeen)
    return event


def test_new_tracked_group_is_announced_with_its_decision_ahead_of_its_messages() -> None:
    tracking = Tracking(_Defaults(TrackingPolicy(track_groups=True)))
    first, second = (tracking.decide(_message(f.GROUP, mid)) for mid in ("M1", "M2"))
    assert isinstance(first.announce, ChatUpdated)
    assert (first.announce.jid, first.announce.chat_kind, first.announce.is_tracked) == (
        f.GROUP,
        "group",
        True,
    )
    assert isinstance(first.publish, MessageSeen)  # the message itself still leaves
    assert second.announce is None and isinstance(second.publish, MessageSeen)


def test_new_untracked_group_is_announced_once_with_its_decision_and_no_content() -> None:
    tracking = Tracking(_Defaults(TrackingPolicy(track_groups=False)))
    first, second = (tracking.decide(_message(f.GROUP, mid)) for mid in ("M1", "M2"))
    assert first.announce is not None and first.announce.is_tracked is False
    assert "hello" not in first.announce.model_dump_json()
    assert (first.publish, second.publish, second.announce) == (None, None, None)


def test_configured_chat_carries_no_decision_when_someone_chose() -> None:
    class _Chosen:
        def policy_for(self, jid: str, kind: str) -> ChatPolicy:
            return ChatPolicy(is_tracked=False, auto_download_media=True)

    decision = Tracking(_Chosen()).decide(_message(f.GROUP))
    assert decision.announce is None
    assert isinstance(decision.publish, ChatUpdated) and decision.publish.is_tracked is None


def test_history_chat_serialised_by_a_worker_is_announced_with_the_decision() -> None:
    chat = parse_event(f.chat(f.GROUP, "group", "Family", f.T0, source="history"))
    packed = encoded(chat)
    assert isinstance(packed, Encoded) and packed.message is None
    decision = Tracking(_Defaults(TrackingPolicy(track_groups=True))).decide(packed)
    assert decision.publish is packed
    assert decision.announce is not None
    assert (decision.announce.source, decision.announce.is_tracked) == ("history", True)


def test_untracked_content_is_marked_to_hold_and_tracked_content_is_not() -> None:
    untracked = Tracking(_Defaults(TrackingPolicy(track_groups=False)))
    first, second = (untracked.decide(_message(f.GROUP, mid)) for mid in ("M1", "M2"))
    assert (first.hold, second.hold) == (True, True)
    tracked = Tracking(_Defaults(TrackingPolicy(track_groups=True)))
    assert tracked.decide(_message(f.GROUP)).hold is False
    discovery = parse_event(f.chat(f.GROUP, "group", "Family", f.T0))
    assert untracked.decide(discovery).hold is False  # published, never held
