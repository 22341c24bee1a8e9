from __future__ import annotations

from typing import Any

from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.envelope import ChatUpdated, ContactUpdated, MessageSeen, parse_event
from deeplens_connector.tracking import ChatPolicy, Tracking, chat_of, decide, default_policy, parse_policy

from tests import factories as f

TRACKED = ChatPolicy(is_tracked=True, auto_download_media=True)
NO_MEDIA = ChatPolicy(is_tracked=True, auto_download_media=False)
UNTRACKED = ChatPolicy(is_tracked=False, auto_download_media=True)
MEDIA = {"file_id": "a" * 32, "mime": "image/jpeg", "status": "pending"}


def _message(chat: str = f.PN, **fields: Any) -> MessageSeen:
    event = parse_event(f.message(chat, "3EB0AAAA", f.PN, f.T0, "hello", **fields))
    assert isinstance(event, MessageSeen)
    return event


class _Policies:
    """A PolicySource answering from a dict (the real one reads Redis and PostgreSQL)."""

    def __init__(self, policies: dict[str, ChatPolicy]) -> None:
        self.policies = policies

    def policy_for(self, jid: str, kind: str) -> ChatPolicy:
        return self.policies.get(jid) or default_policy(TrackingPolicy(), kind)


def test_message_is_published_with_its_media_when_chat_is_tracked() -> None:
    message = _message(type="image", media=MEDIA)
    decision = decide(message, TRACKED, first_sight=True)
    assert decision.publish is message
    assert decision.download


def test_media_is_not_downloaded_when_auto_download_is_off() -> None:
    decision = decide(_message(type="image", media=MEDIA), NO_MEDIA, first_sight=True)
    assert decision.publish is not None
    assert not decision.download


def test_only_a_chat_discovery_leaves_when_chat_is_untracked() -> None:
    message = _message(type="image", media=MEDIA)
    decision = decide(message, UNTRACKED, first_sight=True)
    assert isinstance(decision.publish, ChatUpdated)
    assert decision.publish.jid == message.chat_jid
    assert "hello" not in decision.publish.model_dump_json()
    assert not decision.download


def test_nothing_leaves_when_untracked_chat_was_already_announced() -> None:
    assert decide(_message(), UNTRACKED, first_sight=False).publish is None


def test_account_wide_events_pass_when_they_belong_to_no_chat() -> None:
    contact = ContactUpdated(
        event_id="contact:x", session=f.SESSION, occurred_at_ms=f.T0, source="live", jid=f.PN
    )
    assert chat_of(contact) is None
    assert decide(contact, None, first_sight=False).publish is contact


def test_untracked_chat_is_announced_once_when_many_messages_arrive() -> None:
    tracking = Tracking(_Policies({f.GROUP: UNTRACKED}))
    published = [tracking.decide(_message(f.GROUP)).publish for _ in range(3)]
    assert isinstance(published[0], ChatUpdated)
    assert published[1:] == [None, None]


def test_new_chat_gets_default_policy_when_nothing_is_configured() -> None:
    policy = TrackingPolicy(track_groups=False, track_private=True)
    assert default_policy(policy, "direct").is_tracked
    assert not default_policy(policy, "group").is_tracked
    assert not default_policy(policy, "newsletter").is_tracked
    assert default_policy(TrackingPolicy(track_groups=True), "community").is_tracked


def test_cached_flags_are_read_when_api_wrote_them() -> None:
    assert parse_policy('{"is_tracked": false, "auto_download_media": true}') == UNTRACKED
    assert parse_policy('{"is_tracked": true}') == TRACKED
    assert parse_policy("not json") is None
    assert parse_policy('{"auto_download_media": true}') is None
    assert parse_policy(None) is None


def test_encoded_events_get_the_same_decisions_when_a_worker_serialised_them() -> None:
    from deeplens.domain.envelope import ReactionChanged
    from deeplens_connector.chunk_worker import encoded
    from deeplens_connector.publish.encoded import Encoded

    message = _message(f.GROUP)
    chat = ChatUpdated(
        event_id="chat:x", session=f.SESSION, occurred_at_ms=f.T0, source="history", jid=f.GROUP,
        chat_kind="group",
    )  # fmt: skip
    reaction = parse_event(f.reaction(f.GROUP, "3EB0AAAA", f.PN, "👍", f.T0))
    for model in (message, chat, reaction):
        packed = encoded(model)
        assert isinstance(packed, Encoded)
        for policy in (TRACKED, UNTRACKED):
            for first_sight in (True, False):
                by_model, by_line = decide(model, policy, first_sight), decide(packed, policy, first_sight)
                expected = by_model.publish if by_model.publish is not model else packed
                assert (by_line.publish, by_line.download) == (expected, by_model.download)
    assert isinstance(reaction, ReactionChanged)
    assert encoded(reaction).chat == chat_of(reaction) == (f.GROUP, "group")


def test_messages_with_media_stay_models_when_a_worker_serialises_the_chunk() -> None:
    from deeplens_connector.chunk_worker import encoded

    message = _message(type="image", media=MEDIA)
    assert encoded(message) is message
