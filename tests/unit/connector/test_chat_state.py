"""Chat state from whatsmeow's session store (whatsmeow_chat_settings rows) as `chat_state` events."""

from __future__ import annotations

import pytest
from deeplens.domain.envelope import dump_event
from deeplens.domain.errors import InvalidJid
from deeplens_connector.translate.chat_state import (
    ChatStateDiff,
    StoredChatSettings,
    muted_until,
    store_chat_state,
)

from tests.golden.goldens import load_golden
from tests.unit.connector.golden_timeline import STORE_READ_AT, STORED_GROUP_SETTINGS
from tests.unit.connector.neonize_fixtures import SESSION

ANNA = "4915112345678@s.whatsapp.net"


def test_stored_settings_translate_to_the_golden_when_read_from_the_store() -> None:
    event = store_chat_state(STORED_GROUP_SETTINGS, session=SESSION, now_ms=STORE_READ_AT)
    assert dump_event(event) == load_golden("chat_state_store")


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, (False, None)),
        (-1, (True, None)),  # whatsmeow's store: for ever
        (253_402_300_799, (True, None)),  # whatsmeow's MutedForever (9999-12-31)
        (1_764_604_800, (True, 1_764_604_800_000)),
    ],
)
def test_mute_end_reads_as_muted_until_when_given_in_seconds(
    seconds: int, expected: tuple[bool, int | None]
) -> None:
    assert muted_until(seconds) == expected


def test_store_read_is_stamped_with_the_time_of_the_read_when_a_device_jid_is_stored() -> None:
    row = StoredChatSettings(
        chat_jid="4915112345678:3@s.whatsapp.net", muted_until_s=0, pinned=True, archived=False
    )
    event = store_chat_state(row, session=SESSION, now_ms=5_000)
    assert (event.chat_jid, event.chat_kind, event.changed_at_ms, event.source) == (
        ANNA,
        "direct",
        5_000,
        "live",
    )
    assert (event.archived, event.pinned, event.muted, event.muted_until_ms) == (False, True, False, None)
    assert (event.marked_unread, event.unread_count) == (None, None)  # the store does not know them


def test_store_row_fails_alone_when_its_jid_is_unusable() -> None:
    with pytest.raises(InvalidJid):
        store_chat_state(StoredChatSettings("not a jid", 0, False, False), session=SESSION, now_ms=1)


def test_diff_passes_only_changes_when_the_store_is_read_again() -> None:
    diff = ChatStateDiff()
    read = [StoredChatSettings(ANNA, 0, True, False), STORED_GROUP_SETTINGS]
    first = [diff.changed(store_chat_state(row, session=SESSION, now_ms=1)) for row in read]
    again = [diff.changed(store_chat_state(row, session=SESSION, now_ms=2)) for row in read]
    unpinned = diff.changed(
        store_chat_state(StoredChatSettings(ANNA, 0, False, False), session=SESSION, now_ms=3)
    )
    assert (first, again, unpinned) == ([True, True], [False, False], True)
