"""The sample's profile pictures through a replay: the pipeline names the tracked chats' people, the
replay's picture fetcher answers from the recording as WhatsApp and its CDN would, the JPEG lands in
the media bucket and ingest keeps the current picture (none for those the recording has none of)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from deeplens.adapters.object_store import ObjectStore
from deeplens.domain.pictures import picture_key
from deeplens.services.ingest import IngestDeps
from deeplens_connector.replay import PICTURE_RECORD, RecordedMedia, read_records
from deeplens_connector.sample.build_sample import (
    ANNA_JID,
    ANNA_PICTURE,
    ANNA_PICTURE_ID,
    GROUP_JID,
    GROUP_PICTURE,
    GROUP_PICTURE_ID,
    SAMPLE,
)
from deeplens_connector.settings import ConnectorSettings

from tests.integration.connector.test_replay_end_to_end import _replayed
from tests.integration.services.test_ingest_archive import rows

PICTURES = "SELECT jid, picture_id, bucket_key FROM profile_pictures WHERE session_id = %s AND jid = %s"


def test_sample_carries_its_pictures_as_records_of_their_own_when_read() -> None:
    recorded = RecordedMedia.from_file(SAMPLE)
    assert recorded.pictures == {
        picture_key(ANNA_JID, ANNA_PICTURE_ID): ANNA_PICTURE,
        picture_key(GROUP_JID, GROUP_PICTURE_ID): GROUP_PICTURE,
    }
    assert all(data.startswith(b"\xff\xd8\xff") for data in recorded.pictures.values())
    assert sum(code == PICTURE_RECORD for code, _ in read_records(SAMPLE)) == 2


def test_tracked_chat_pictures_are_stored_and_ingested_when_the_sample_is_replayed(
    connector_settings: Callable[..., ConnectorSettings],
    local_queue_pair: Callable[..., Any],
    make_deps: Callable[..., IngestDeps],
    database_url: str,
    media_store: ObjectStore,
) -> None:
    session = _replayed(connector_settings, local_queue_pair, make_deps, database_url, track_groups=True)
    anna_key, group_key = picture_key(ANNA_JID, ANNA_PICTURE_ID), picture_key(GROUP_JID, GROUP_PICTURE_ID)
    assert rows(database_url, PICTURES, session, ANNA_JID) == [(ANNA_JID, ANNA_PICTURE_ID, anna_key)]
    assert rows(database_url, PICTURES, session, GROUP_JID) == [(GROUP_JID, GROUP_PICTURE_ID, group_key)]
    assert (media_store.get(anna_key), media_store.get(group_key)) == (ANNA_PICTURE, GROUP_PICTURE)
    bob = rows(database_url, PICTURES, session, "4915187654321@s.whatsapp.net")  # in the group, no picture
    assert bob == [("4915187654321@s.whatsapp.net", None, None)]


def test_untracked_group_picture_is_not_asked_for_when_groups_are_untracked(
    connector_settings: Callable[..., ConnectorSettings],
    local_queue_pair: Callable[..., Any],
    make_deps: Callable[..., IngestDeps],
    database_url: str,
) -> None:
    session = _replayed(connector_settings, local_queue_pair, make_deps, database_url)
    assert rows(database_url, PICTURES, session, GROUP_JID) == []
    assert rows(database_url, PICTURES, session, ANNA_JID) == [
        (ANNA_JID, ANNA_PICTURE_ID, picture_key(ANNA_JID, ANNA_PICTURE_ID))
    ]
