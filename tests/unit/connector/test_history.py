"""A full HistorySync chunk, fed through neonize's dispatcher, translates to the expected events."""

from __future__ import annotations

import hashlib
from typing import Any

from deeplens_connector.translate import HistoryProgress, history_media_refs, history_progress
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E
from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as HS
from neonize.proto.waWeb.WAWebProtobufsWeb_pb2 import Reaction, WebMessageInfo

from tests.unit.connector.golden_events import media
from tests.unit.connector.neonize_fixtures import SESSION, Capture, key, text, web_msg

NOW = 1_764_200_000_000
TS = 1_764_100_000  # seconds, as in WebMessageInfo
ANNA, ANNA_LID, BOB, BOB_LID = (
    "4915112345678@s.whatsapp.net",
    "123456789012345@lid",
    "4915187654321@s.whatsapp.net",
    "987654321098765@lid",
)
ME, GROUP, COMMUNITY = "4917000000001@s.whatsapp.net", "120363012345678901@g.us", "120363099999999999@g.us"
Rank = HS.GroupParticipant


def dm_messages() -> list[Any]:
    photo = E2E.ImageMessage(mimetype="image/jpeg", caption="eph", **media("AA==", "AQ==", 10, "/v/h2.enc"))
    edit = E2E.ProtocolMessage(
        type=E2E.ProtocolMessage.MESSAGE_EDIT,
        key=key(ANNA, "H1", from_me=True),
        editedMessage=text("hi (edited)"),
        timestampMS=TS * 1000 + 5_000,
    )
    return [
        web_msg(ANNA, "H1", text("hi"), ts_s=TS, push_name="Anna"),
        # disappearing-mode message: history keeps the wrapper
        web_msg(
            ANNA,
            "H2",
            E2E.Message(ephemeralMessage=E2E.FutureProofMessage(message=E2E.Message(imageMessage=photo))),
            ts_s=TS + 1,
            from_me=True,
        ),
        web_msg(
            ANNA,
            "H3",
            E2E.Message(editedMessage=E2E.FutureProofMessage(message=E2E.Message(protocolMessage=edit))),
            ts_s=TS + 5,
        ),
        web_msg(ANNA, "H4", None, ts_s=TS + 6, stub=WebMessageInfo.REVOKE),  # deleted for everyone
        web_msg(ANNA, "H5", None, ts_s=TS + 7, stub=WebMessageInfo.CIPHERTEXT),  # could not be decrypted
    ]


def group_messages() -> list[Any]:
    asked = web_msg(GROUP, "G1", text("Wer kommt?"), ts_s=TS, participant=BOB, push_name="Bob")
    asked.reactions.extend(
        [
            Reaction(key=key(GROUP, "R1", from_me=True), text="👍", senderTimestampMS=TS * 1000 + 1),
            Reaction(key=key(GROUP, "R2", participant=ANNA_LID), text="❤️", senderTimestampMS=TS * 1000 + 2),
            Reaction(key=key(GROUP, "R3"), text="😮", senderTimestampMS=TS * 1000 + 3),  # nobody: an error
        ]
    )
    question = E2E.PollCreationMessage(
        name="Wann?",
        selectableOptionsCount=1,
        options=[E2E.PollCreationMessage.Option(optionName=d) for d in ("Freitag", "Samstag")],
    )
    poll = web_msg(GROUP, "G3", E2E.Message(pollCreationMessageV3=question), ts_s=TS + 2, participant=BOB)
    vote = poll.pollUpdates.add(
        pollUpdateMessageKey=key(GROUP, "V1", participant=ANNA_LID), senderTimestampMS=TS * 1000 + 9
    )
    vote.vote.selectedOptions.append(hashlib.sha256(b"Samstag").digest())
    return [
        asked,
        web_msg(GROUP, "G2", None, ts_s=TS + 1, participant=BOB, stub=WebMessageInfo.GROUP_PARTICIPANT_ADD),
        poll,
        web_msg(GROUP, "G4", text("von wem?"), ts_s=TS + 3),  # no participant: sender unknown
    ]


def chunk() -> Any:
    hs = HS.HistorySync(syncType=HS.HistorySync.RECENT, chunkOrder=3, progress=40)
    hs.phoneNumberToLidMappings.add(pnJID=ANNA, lidJID=ANNA_LID)
    hs.phoneNumberToLidMappings.add(pnJID=BOB, lidJID=BOB_LID)
    hs.inlineContacts.add(pnJID=ANNA, lidJID=ANNA_LID, fullName="Anna Schmidt")
    hs.pushnames.add(ID=ANNA, pushname="Anna")
    hs.pushnames.add(ID=BOB, pushname="Bob")
    dm = hs.conversations.add(ID=ANNA, name="Anna Schmidt", archived=True, unreadCount=0, lidJID=ANNA_LID)
    group = hs.conversations.add(ID=GROUP, name="Orga", parentGroupID=COMMUNITY, lastMsgTimestamp=TS + 3)
    group.participant.add(userJID=BOB, rank=Rank.SUPERADMIN)
    group.participant.add(userJID=ME, rank=Rank.ADMIN)
    group.participant.add(userJID=ANNA_LID)
    hs.conversations.add(ID=COMMUNITY, name="Nachbarschaft", isParentGroup=True)
    for conversation, messages in ((dm, dm_messages()), (group, group_messages())):
        for order, web in enumerate(messages, 1):
            conversation.messages.add(msgOrderID=order).message.CopyFrom(web)
    hs.statusV3Messages.add().CopyFrom(
        web_msg("status@broadcast", "S1", text("Status"), ts_s=TS, participant=BOB)
    )
    return hs


def _chat(event: Any) -> tuple[Any, ...]:
    members = [(m.jid, m.is_admin, m.is_super_admin) for m in event.participants or []]
    fields = (
        event.name,
        event.parent_jid,
        event.unread_count,
        event.is_archived,
        event.last_msg_timestamp_ms,
    )
    return (event.jid, event.chat_kind, *fields, members)


def _message(event: Any) -> tuple[Any, ...]:
    flags = (event.flags.ephemeral, event.media.status if event.media else None)
    return (event.chat_jid, event.message_id, event.sender_jid, event.type, event.text, *flags)


SUMMARIES = {
    "lid_mapping": lambda e: (e.lid, e.phone_jid),
    "contact": lambda e: (e.jid, e.lid, e.push_name, e.full_name),
    "chat": _chat,
    "group_change": lambda e: (
        e.chat_jid,
        e.change,
        e.actor_jid,
        e.participants,
        e.value,
        e.on,
        e.timer_s,
        e.changed_at_ms,
    ),
    "chat_state": lambda e: (
        e.chat_jid,
        e.archived,
        e.pinned,
        e.muted,
        e.muted_until_ms,
        e.marked_unread,
        e.unread_count,
        e.changed_at_ms,
    ),
    "message": _message,
    "edit": lambda e: (e.target.message_id, e.target.sender_jid, e.new_text, e.edited_at_ms),
    "revoke": lambda e: (e.target.message_id, e.target.sender_jid, e.revoked_by),
    "reaction": lambda e: (e.target.message_id, e.target.sender_jid, e.reactor_jid, e.emoji),
    "poll_vote": lambda e: (e.target.message_id, e.voter_jid, e.selected_options, e.voted_at_ms),
}


def summary(event: Any) -> tuple[Any, ...]:
    return (event.kind, *SUMMARIES[event.kind](event))


EXPECTED = [
    ("lid_mapping", ANNA_LID, ANNA),
    ("lid_mapping", BOB_LID, BOB),
    ("contact", ANNA, ANNA_LID, "Anna", "Anna Schmidt"),
    ("contact", BOB, None, "Bob", None),
    ("chat", ANNA, "direct", "Anna Schmidt", None, 0, True, None, []),  # its LID pair: already known
    ("chat_state", ANNA, True, None, None, None, None, 0, 0),  # no timestamp: older than any store read
    ("message", ANNA, "H1", ANNA, "text", "hi", False, None),
    ("message", ANNA, "H2", ME, "image", "eph", True, "pending"),
    ("edit", "H1", ANNA, "hi (edited)", TS * 1000 + 5_000),
    ("revoke", "H4", ANNA, ANNA),
    ("message", ANNA, "H5", ANNA, "unknown", None, False, None),
    (
        "chat",
        GROUP,
        "group",
        "Orga",
        COMMUNITY,
        None,
        None,
        (TS + 3) * 1000,
        [(BOB, True, True), (ME, True, False), (ANNA_LID, False, False)],
    ),
    ("message", GROUP, "G1", BOB, "text", "Wer kommt?", False, None),
    ("reaction", "G1", BOB, ME, "👍"),
    ("reaction", "G1", BOB, ANNA_LID, "❤️"),
    (
        "group_change",
        GROUP,
        "joined",
        BOB,
        [BOB],
        None,
        None,
        None,
        (TS + 1) * 1000,
    ),  # the add stub: Bob himself
    ("message", GROUP, "G3", BOB, "poll", None, False, None),
    ("poll_vote", "G3", ANNA_LID, ["Samstag"], TS * 1000 + 9),
    ("chat", COMMUNITY, "community", "Nachbarschaft", None, None, None, None, []),
    ("message", "status@broadcast", "S1", BOB, "text", "Status", False, None),
]


def test_history_chunk_translates_to_every_event_when_fed_through_the_dispatcher() -> None:
    capture = Capture(now_ms=NOW).feed(N.HistorySync(Data=chunk()))
    assert [summary(event) for event in capture.events] == EXPECTED
    assert {(e.source, e.occurred_at_ms, e.session) for e in capture.events} == {("history", NOW, SESSION)}
    assert len({e.event_id for e in capture.events}) == len(capture.events)


def test_history_reports_the_bad_items_when_the_rest_translates() -> None:
    capture = Capture(now_ms=NOW).feed(N.HistorySync(Data=chunk()))
    reasons = [str(error) for error in capture.errors]
    assert reasons == [
        f"reaction R3 on history message G1 in {GROUP}: no participant in key R3",
        f"history message G4 in {GROUP}: couldn't find sender of message G4",
    ]


def test_messages_from_me_fail_alone_when_the_own_jid_is_unknown() -> None:
    capture = Capture(now_ms=NOW, own_jid="").feed(N.HistorySync(Data=chunk()))
    mine = [("message", ANNA, "H2", ME, "image", "eph", True, "pending"), ("reaction", "G1", BOB, ME, "👍")]
    assert [summary(e) for e in capture.events] == [item for item in EXPECTED if item not in mine]
    assert any(
        str(error).startswith(f"history message H2 in {ANNA}: own JID unknown") for error in capture.errors
    )


def test_history_progress_and_media_are_reported_when_a_chunk_arrives() -> None:
    hs = chunk()
    [ref] = history_media_refs(hs, session=SESSION)
    [photo] = [
        e
        for e in Capture(now_ms=NOW).feed(N.HistorySync(Data=hs)).events
        if getattr(e, "message_id", "") == "H2"
    ]
    assert history_progress(hs) == HistoryProgress(sync_type="RECENT", chunk_order=3, progress=40)
    assert (ref.file_id, ref.chat_jid, ref.message_id, ref.kind) == (photo.media.file_id, ANNA, "H2", "image")
    assert ref.download_message().imageMessage.directPath == "/v/h2.enc"


def test_history_chat_state_is_as_of_the_chat_when_it_says_pinned_muted_and_unread() -> None:
    hs = HS.HistorySync(syncType=HS.HistorySync.RECENT, chunkOrder=1)
    hs.conversations.add(
        ID=ANNA, pinned=TS - 60, muteEndTime=2**64 - 1, markedAsUnread=True, conversationTimestamp=TS
    )
    hs.conversations.add(ID=GROUP, pinned=0, muteEndTime=0, lastMsgTimestamp=TS + 3)
    states = [
        summary(e) for e in Capture(now_ms=NOW).feed(N.HistorySync(Data=hs)).events if e.kind == "chat_state"
    ]
    assert states == [
        ("chat_state", ANNA, None, True, True, None, True, None, TS * 1000),  # muted for ever
        ("chat_state", GROUP, None, False, False, None, None, None, (TS + 3) * 1000),
    ]


def test_history_group_stubs_become_timeline_entries_when_a_chunk_carries_them() -> None:
    def stub(msg_id: str, kind: int, *params: str, by: str = BOB) -> Any:
        web = web_msg(GROUP, msg_id, None, ts_s=TS, participant=by, stub=kind)
        web.messageStubParameters.extend(params)
        return web

    hs = HS.HistorySync(syncType=HS.HistorySync.RECENT, chunkOrder=1)
    group = hs.conversations.add(ID=GROUP)
    stubs = [
        stub("S1", WebMessageInfo.GROUP_CHANGE_SUBJECT, "Grillabend"),
        stub("S2", WebMessageInfo.GROUP_PARTICIPANT_ADD, ANNA_LID, "4915122223333@s.whatsapp.net"),
        stub("S3", WebMessageInfo.GROUP_PARTICIPANT_LEAVE, by=ANNA),
        stub("S4", WebMessageInfo.GROUP_CHANGE_ANNOUNCE, "on"),
        stub("S5", WebMessageInfo.CHANGE_EPHEMERAL_SETTING, "86400"),
        stub("S6", WebMessageInfo.GROUP_PARTICIPANT_PROMOTE, ANNA),
        stub("S7", WebMessageInfo.GROUP_CREATE, "Orga"),  # not a change the timeline shows: dropped
    ]
    for order, web in enumerate(stubs, 1):
        group.messages.add(msgOrderID=order).message.CopyFrom(web)
    capture = Capture(now_ms=NOW).feed(N.HistorySync(Data=hs))
    changes = [summary(e)[1:-1] for e in capture.events if e.kind == "group_change"]
    assert changes == [
        (GROUP, "subject", BOB, [], "Grillabend", None, None),
        (GROUP, "added", BOB, [ANNA_LID, "4915122223333@s.whatsapp.net"], None, None, None),
        (GROUP, "left", ANNA, [ANNA], None, None, None),
        (GROUP, "announce", BOB, [], None, True, None),
        (GROUP, "ephemeral", BOB, [], None, True, 86_400),
        (GROUP, "promoted", BOB, [ANNA], None, None, None),
    ]
    assert {e.source for e in capture.events if e.kind == "group_change"} == {"history"}
    assert capture.errors == []
