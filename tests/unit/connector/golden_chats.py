"""The neonize events behind the golden `chat`, `contact`, `lid_mapping` and history envelopes."""

from __future__ import annotations

from typing import Any

from neonize.proto import Neonize_pb2 as N
from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as HS

from tests.unit.connector.golden_events import ANNA_JID, ANNA_LID_JID
from tests.unit.connector.neonize_fixtures import (
    ANNA,
    ANNA_LID,
    BOB,
    COMMUNITY,
    GROUP,
    ME,
    NEWSLETTER,
    group_jid,
    jid,
    text,
    web_msg,
)


def member(user_jid: Any, *, admin: bool = False, super_admin: bool = False, phone: Any = None) -> Any:
    lid = user_jid if user_jid.Server == "lid" else None
    return N.GroupParticipant(
        JID=user_jid, LID=lid, PhoneNumber=phone, IsAdmin=admin or super_admin, IsSuperAdmin=super_admin
    )


def joined_sub_group(_at: int) -> Any:
    """We were added to the community's organisers group (LID-addressed: Anna appears as her LID)."""
    group = N.GroupInfo(
        JID=group_jid(),
        OwnerJID=jid(BOB),
        GroupName=N.GroupName(Name="Nachbarschaft \u2013 Orga"),
        GroupParent=N.GroupParent(IsParent=False),
        GroupLinkedParent=N.GroupLinkedParent(LinkedParentJID=group_jid(COMMUNITY)),
        Participants=[
            member(jid(BOB), super_admin=True),
            member(jid(ME), admin=True),
            member(jid(ANNA_LID, "lid"), phone=jid(ANNA)),
        ],
    )
    return N.JoinedGroup(Reason="", Type="new", GroupInfo=group, Sender=jid(BOB))


def joined_community(_at: int) -> Any:
    community = N.GroupInfo(
        JID=group_jid(COMMUNITY),
        OwnerJID=jid(BOB),
        GroupName=N.GroupName(Name="Nachbarschaft Lindenstraße"),
        GroupParent=N.GroupParent(IsParent=True),
    )
    return N.JoinedGroup(Reason="invite", Type="", GroupInfo=community)


def followed_newsletter(_at: int) -> Any:
    meta = N.NewsletterMetadata(
        ID=jid(NEWSLETTER, "newsletter"),
        ThreadMeta=N.NewsletterThreadMetadata(Name=N.NewsletterText(Text="Stadtwerke Info")),
    )
    return N.NewsletterJoin(NewsletterMetadata=meta)


def history_chunk(_at: int) -> Any:
    """The first history chunk after pairing: the chat with Anna, who she is, one old message."""
    chunk = HS.HistorySync(syncType=HS.HistorySync.INITIAL_BOOTSTRAP, chunkOrder=1, progress=12)
    chat = chunk.conversations.add(
        ID=ANNA_JID,
        name="Anna Schmidt",
        unreadCount=2,
        archived=False,
        pinned=1_763_990_000,  # pinned on the phone (when), muted for a week
        muteEndTime=1_764_604_800,
        lastMsgTimestamp=1_764_000_360,
        lidJID=ANNA_LID_JID,
    )
    old = web_msg(ANNA_JID, "3EB05A1C9F3D2B7E6A41", text("Bis morgen 👋"), ts_s=1_763_913_600, from_me=True)
    old.starred = True  # starred on the phone: history says so, not since when
    chat.messages.add(msgOrderID=1).message.CopyFrom(old)
    chunk.pushnames.add(ID=ANNA_JID, pushname="Anna")
    chunk.inlineContacts.add(pnJID=ANNA_JID, lidJID=ANNA_LID_JID, fullName="Anna Schmidt", firstName="Anna")
    chunk.phoneNumberToLidMappings.add(pnJID=ANNA_JID, lidJID=ANNA_LID_JID)
    missed = chunk.callLogRecords.add(  # Bob's group voice call the day before, nobody answered
        callID="CL9F8E7D6C5B4A3F2E1D",
        groupJID=f"{GROUP}@g.us",
        callCreatorJID=f"{BOB}@s.whatsapp.net",
        isIncoming=True,
        isVideo=False,
        startTime=1_763_990_000,
        duration=0,
    )
    missed.callResult = missed.MISSED
    return N.HistorySync(Data=chunk)
