"""What the pipeline asks the live client: the contact store after the offline sync, poll vote
decryption. neonize's own dispatcher delivers the events; only the client call is faked, and its
answer is the real neonize proto (parsed from bytes, as neonize parses Go's answer)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import pytest
from deeplens.domain.envelope import Event, MessageSeen, dump_event, parse_event
from deeplens_connector.pipeline import Pipeline, PipelineHooks
from deeplens_connector.polls import decrypt_poll_vote
from deeplens_connector.session.client import register_pipeline
from deeplens_connector.tracking import ChatPolicy, Tracking
from deeplens_connector.translate import translate_store_contacts
from neonize.client import NewClient
from neonize.exc import DecryptPollVoteError
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E

from tests.golden.goldens import load_golden
from tests.unit.connector import golden_events as story
from tests.unit.connector.neonize_fixtures import ANNA, ANNA_LID, BOB, SESSION, complete, feed, jid

T0 = 1_764_000_000_000
SAMSTAG_HASH = hashlib.sha256(b"Samstag").digest()


class Tracked:
    def policy_for(self, jid: str, kind: str) -> ChatPolicy:
        return ChatPolicy(is_tracked=True, auto_download_media=False)


class NoMedia:
    def enqueue(self, message: MessageSeen, ref: Any) -> None:
        raise AssertionError("no media in these tests")

    def skip(self, message: MessageSeen, reason: str) -> None:
        pass

    def wait_idle(self, timeout_s: float) -> bool:
        return True


def run(events: Iterable[Any], hooks: PipelineHooks) -> list[Event]:
    """The events through neonize's dispatcher into a running pipeline, until it is drained."""
    published: list[Event] = []
    pipeline = Pipeline(SESSION, Tracking(Tracked()), NoMedia(), published.append,  # type: ignore[arg-type]
                        own_jid=lambda: f"{story.ME}@s.whatsapp.net", hooks=hooks)  # fmt: skip
    client = NewClient("unused", uuid="unit-test-pipeline")
    register_pipeline(client, pipeline.start())
    for ev in events:
        feed(client, ev)
    assert pipeline.close(5.0)
    return published


def offline_sync_done() -> Any:
    return N.OfflineSyncCompleted(Count=12)


# --- the contact store --------------------------------------------------------------------------


def stored_contacts(*contacts: tuple[Any, dict[str, Any]]) -> Any:
    """What neonize's ContactStore.get_all_contacts returns: the `Contact` list parsed from Go's bytes."""
    answer = N.ContactsGetAllContactsReturnFunction(
        Contact=[N.Contact(JID=who, Info=N.ContactInfo(Found=True, **names)) for who, names in contacts]
    )
    data = complete(answer).SerializeToString()
    return N.ContactsGetAllContactsReturnFunction.FromString(data).Contact


ANNA_STORED = (jid(ANNA), {"PushName": "Anna", "FullName": "Anna Schmidt", "FirstName": "Anna"})
BOB_LID_STORED = (jid("987654321098765", "lid"), {"PushName": "Bob"})
SHOP_STORED = (jid("4930123456"), {"BusinessName": "Bäckerei Krause"})
NAMELESS = (jid("4930999999"), {})


def test_store_contacts_are_published_when_the_offline_sync_completes() -> None:
    reads: list[int] = []

    def read() -> Any:
        reads.append(1)
        return stored_contacts(ANNA_STORED, BOB_LID_STORED, SHOP_STORED, NAMELESS)

    published = run([offline_sync_done()], PipelineHooks(read_contacts=read))
    assert reads == [1]
    anna, bob, shop = f"{ANNA}@s.whatsapp.net", "987654321098765@lid", "4930123456@s.whatsapp.net"
    assert {e.kind for e in published} == {"contact"}
    assert {e.source for e in published} == {"live"}
    assert [(e.jid, e.lid, e.phone_jid) for e in published] == [
        (anna, None, anna),
        (bob, bob, None),
        (shop, None, shop),
    ]
    assert [(e.push_name, e.full_name, e.business_name) for e in published] == [
        ("Anna", "Anna Schmidt", None),
        ("Bob", None, None),
        (None, None, "Bäckerei Krause"),
    ]  # the nameless contact says nothing: not published
    for event in published:  # what ingest accepts: the envelope survives its own parser
        assert parse_event(dump_event(event)) == event


def test_store_contact_has_the_golden_contact_shape_when_the_store_knows_the_names() -> None:
    [event] = translate_store_contacts(stored_contacts(ANNA_STORED), session=SESSION, now_ms=T0)
    golden = load_golden("contact")
    assert isinstance(event, type(parse_event(golden)))
    assert set(dump_event(event)) == set(golden)  # same fields, same kind: no new envelope kind


def test_store_contacts_are_published_again_only_when_they_changed() -> None:
    answers = iter(
        [
            stored_contacts(ANNA_STORED, BOB_LID_STORED),
            stored_contacts(ANNA_STORED, (BOB_LID_STORED[0], {"PushName": "Bobby"})),  # Bob renamed
        ]
    )
    published = run(
        [offline_sync_done(), offline_sync_done()], PipelineHooks(read_contacts=lambda: next(answers))
    )
    assert [(e.jid, e.push_name) for e in published] == [
        (f"{ANNA}@s.whatsapp.net", "Anna"),
        ("987654321098765@lid", "Bob"),
        ("987654321098765@lid", "Bobby"),  # Anna unchanged: not again
    ]
    assert len({e.event_id for e in published}) == 3


def test_store_is_not_read_when_there_is_no_live_session() -> None:
    assert run([offline_sync_done()], PipelineHooks()) == []  # a replay: reading would crash Go


def test_one_bad_stored_contact_is_skipped_when_the_others_translate() -> None:
    items = list(
        translate_store_contacts(
            stored_contacts((jid("not-a-number"), {"PushName": "?"}), ANNA_STORED), session=SESSION, now_ms=T0
        )
    )
    assert [type(item).__name__ for item in items] == ["TranslationError", "ContactUpdated"]


# --- poll votes ---------------------------------------------------------------------------------


def vote_answer(*hashes: bytes) -> Any:
    """What Go answers DecryptPollVote with, parsed as neonize parses it."""
    answer = N.ReturnFunctionWithError(PollVoteMessage=E2E.PollVoteMessage(selectedOptions=list(hashes)))
    return N.ReturnFunctionWithError.FromString(answer.SerializeToString()).PollVoteMessage


def test_live_poll_vote_is_the_golden_envelope_when_the_client_decrypts_it() -> None:
    asked: list[Any] = []

    def decrypt(ev: Any) -> Any:
        asked.append(ev)
        return vote_answer(SAMSTAG_HASH)

    poll, vote = story.poll(T0 + 540_000), story.poll_vote(T0 + 610_000)
    published = run([poll, vote], PipelineHooks(decrypt_poll_vote=decrypt))
    assert [e.kind for e in published] == ["message", "poll_vote"]
    golden = load_golden("poll_vote")
    event = dump_event(published[1])
    assert {**event, "occurred_at_ms": golden["occurred_at_ms"]} == golden
    [ev] = asked  # the whole MessageEv, as whatsmeow's DecryptPollVote takes it
    assert (ev.Info.ID, ev.Message.pollUpdateMessage.pollCreationMessageKey.ID) == (
        "3EB0B07E000000000001",
        "3EB07A8B9C0D1E2F3A4B",
    )


def test_live_poll_vote_keeps_hashes_when_the_poll_was_never_seen() -> None:
    published = run(
        [story.poll_vote(T0)], PipelineHooks(decrypt_poll_vote=lambda ev: vote_answer(SAMSTAG_HASH))
    )
    assert [e.selected_options for e in published] == [[SAMSTAG_HASH.hex()]]  # type: ignore[union-attr]


def test_live_poll_vote_is_retracted_when_no_option_is_selected() -> None:
    published = run([story.poll_vote(T0)], PipelineHooks(decrypt_poll_vote=lambda ev: vote_answer()))
    assert [e.selected_options for e in published] == [[]]  # type: ignore[union-attr]


def test_live_poll_vote_is_dropped_when_decryption_fails() -> None:
    def fails(ev: Any) -> Any:
        raise DecryptPollVoteError("failed to decrypt poll vote: no secret")

    text = story.anna_says("3EB0AFTER", T0, story.text("danach"))
    published = run([story.poll_vote(T0), text], PipelineHooks(decrypt_poll_vote=fails))
    assert [e.kind for e in published] == ["message"]  # the next event still comes through


def test_decrypt_is_only_asked_for_poll_votes() -> None:
    def never(ev: Any) -> Any:
        raise AssertionError("asked to decrypt a message that is no vote")

    text = story.anna_says("3EB0TEXT", T0, story.text("hallo"))
    assert [e.kind for e in run([text], PipelineHooks(decrypt_poll_vote=never))] == ["message"]


def test_decrypt_poll_vote_reaches_whatsmeow_and_raises_its_error_when_not_connected() -> None:
    """The real Go call (neonize 0.5.2's own decrypt_poll_vote raises TypeError on its answer)."""
    client = NewClient("unused", uuid="unit-test-never-connected")
    vote = complete(story.poll_vote(T0))
    with pytest.raises(DecryptPollVoteError, match="client is nil"):
        decrypt_poll_vote(client, vote)
    with pytest.raises(TypeError, match="LP_Bytes"):  # if this starts passing, neonize fixed it
        client.decrypt_poll_vote(vote)


def test_lid_voter_is_kept_when_the_vote_comes_from_a_lid() -> None:
    published = run(
        [story.poll(T0), story.poll_vote(T0 + 1)],
        PipelineHooks(decrypt_poll_vote=lambda ev: vote_answer(SAMSTAG_HASH)),
    )
    assert published[1].voter_jid == f"{ANNA_LID}@lid"  # type: ignore[union-attr]
    assert BOB in published[1].target.sender_jid  # type: ignore[union-attr]
