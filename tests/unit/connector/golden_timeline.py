"""The neonize events behind the golden `group_change` and `chat_state` envelopes."""

from __future__ import annotations

from typing import Any

from deeplens_connector.translate.chat_state import StoredChatSettings
from neonize.proto import Neonize_pb2 as N

from tests.unit.connector.golden_events import T0
from tests.unit.connector.neonize_fixtures import ANNA, BOB, group_jid, jid

CARLA = "4915122223333"
GROUP_SENT_S = T0 // 1000 + 1_500  # when WhatsApp says the change happened (GroupInfoEvent.Timestamp)


def group_info_event(**fields: Any) -> Any:
    return N.GroupInfoEvent(
        JID=group_jid(),
        Notify="",
        Timestamp=GROUP_SENT_S,
        PrevParticipantsVersionID="",
        ParticipantVersionID="",
        JoinReason="",
        **fields,
    )


def anna_renames_the_group(_at: int) -> Any:
    """Anna (from her phone, device 3) gives the group a new subject."""
    name = N.GroupName(Name="Grillabend <b>Samstag</b> 🔥", NameSetAt=GROUP_SENT_S, NameSetBy=jid(ANNA))
    return group_info_event(Sender=jid(ANNA, device=3), Name=name)


def bob_adds_carla_and_makes_anna_admin(_at: int) -> Any:
    return group_info_event(Sender=jid(BOB), Join=[jid(CARLA)], Promote=[jid(ANNA)])


# A row of whatsmeow_chat_settings as the connector reads it after an app-state sync: the group
# archived on the phone and muted for ever.
STORED_GROUP_SETTINGS = StoredChatSettings(
    chat_jid="120363012345678901@g.us", muted_until_s=-1, pinned=False, archived=True
)
STORE_READ_AT = T0 + 1_800_000
