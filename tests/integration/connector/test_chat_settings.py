"""Archive/pin/mute after the history sync: whatsmeow's `whatsmeow_chat_settings` (the bundled
whatsmeow's CREATE TABLE, from neonize-linux-amd64.so) read by the pipeline, published on change."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from deeplens.domain.envelope import ChatStateChanged, Event, MessageSeen
from deeplens_connector.chat_settings import StoreChatSettings
from deeplens_connector.pipeline import Pipeline, PipelineHooks
from deeplens_connector.tracking import ChatPolicy, Tracking

from tests.unit.connector.neonize_fixtures import SESSION

ME, OTHER_ACCOUNT = "4917000000001", "4917000000002"
ANNA, GROUP = "4915112345678@s.whatsapp.net", "120363012345678901@g.us"
WHATSMEOW_DDL = """
CREATE TABLE whatsmeow_chat_settings (
    our_jid       TEXT,
    chat_jid      TEXT,
    muted_until   BIGINT  NOT NULL DEFAULT 0,
    pinned        BOOLEAN NOT NULL DEFAULT false,
    archived      BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (our_jid, chat_jid)
)"""


class Untracked:
    def policy_for(self, jid: str, kind: str) -> ChatPolicy:
        return ChatPolicy(is_tracked=False, auto_download_media=False)


class NoMedia:
    def enqueue(self, message: MessageSeen, ref: Any) -> None:
        raise AssertionError("no media here")

    def skip(self, message: MessageSeen, reason: str) -> None:
        pass


@pytest.fixture
def store(database_url: str) -> Iterator[StoreChatSettings]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(WHATSMEOW_DDL)
    reader = StoreChatSettings(database_url)
    yield reader
    reader.close()


def put(url: str, row: tuple[str, str, int, bool, bool]) -> None:
    """(our_jid, chat_jid, muted_until, pinned, archived), as whatsmeow's PutMutedUntil/PutPinned/
    PutArchived leave the row."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO whatsmeow_chat_settings VALUES (%s, %s, %s, %s, %s) ON CONFLICT (our_jid, chat_jid)"
            " DO UPDATE SET muted_until = EXCLUDED.muted_until, pinned = EXCLUDED.pinned,"
            " archived = EXCLUDED.archived",
            row,
        )


def reads(store: StoreChatSettings, url: str, changes: list[list[tuple[Any, ...]]]) -> list[list[Event]]:
    """The published events of each read, after applying that read's changes to the store."""
    published: list[Event] = []
    clock = iter(range(1_764_000_000, 1_764_000_100)).__next__
    pipeline = Pipeline(SESSION, Tracking(Untracked()), NoMedia(), published.append,  # type: ignore[arg-type]
                        own_jid=lambda: f"{ME}@s.whatsapp.net", clock=clock,
                        hooks=PipelineHooks(read_chat_settings=store))  # fmt: skip
    out = []
    for change in changes:
        for row in change:
            put(url, row)
        pipeline.handle("chat_settings", None)
        out.append(list(published))
        published.clear()
    return out


def summary(events: list[Event]) -> list[tuple[Any, ...]]:
    assert all(isinstance(e, ChatStateChanged) for e in events)
    return [(e.chat_jid, e.archived, e.pinned, e.muted, e.muted_until_ms, e.changed_at_ms) for e in events]  # type: ignore[union-attr]


def test_store_reads_publish_the_account_settings_then_only_changes_when_read_again(
    store: StoreChatSettings, database_url: str
) -> None:
    first, again, changed = reads(
        store,
        database_url,
        [
            [
                (f"{ME}:7@s.whatsapp.net", ANNA, 0, True, False),
                (f"{ME}:7@s.whatsapp.net", GROUP, -1, False, True),
                (f"{OTHER_ACCOUNT}:2@s.whatsapp.net", ANNA, 0, False, True),  # another account's row
            ],
            [],
            [(f"{ME}:7@s.whatsapp.net", ANNA, 1_764_604_800, False, True)],  # archived, muted a week
        ],
    )
    assert summary(first) == [  # untracked chats publish their state too
        (GROUP, True, False, True, None, 1_764_000_000_000),  # muted for ever
        (ANNA, False, True, False, None, 1_764_000_000_000),
    ]
    assert again == []
    assert summary(changed) == [(ANNA, True, False, True, 1_764_604_800_000, 1_764_000_002_000)]


def test_store_read_is_skipped_when_the_own_jid_is_not_known_yet(store: StoreChatSettings) -> None:
    published: list[Event] = []
    pipeline = Pipeline(SESSION, Tracking(Untracked()), NoMedia(), published.append,  # type: ignore[arg-type]
                        own_jid=lambda: None, hooks=PipelineHooks(read_chat_settings=store))  # fmt: skip
    pipeline.handle("chat_settings", None)
    assert published == []
