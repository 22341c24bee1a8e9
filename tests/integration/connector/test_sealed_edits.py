"""Sealed edits end to end: neonize's dispatcher -> pipeline (opening, keeping, reopening) -> ingest
on the test stack's PostgreSQL; and whatsmeow's message-secret table read for real."""

from __future__ import annotations

from collections.abc import Callable

import psycopg
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.envelope import Event, dump_event
from deeplens.services.ingest import IngestDeps, ingest_record
from deeplens_connector.unsealing import KnownSecret, MessageSecrets, StoreSecrets, Unsealer

from tests.integration.services.test_ingest_archive import inline_record, rows
from tests.unit.connector import golden_events as story
from tests.unit.connector.golden_events import ANNA_HALLO, ANNA_JID, T0
from tests.unit.connector.test_unsealing import EDIT_AT, hallo, run

HALLO_ID, _, HALLO_SECRET = ANNA_HALLO
TRACK_ALL = TrackingPolicy(track_groups=True, track_private=True)
EDITED = "Hallo! Bist du heute Abend wirklich da?"


def ingest_each(events: list[Event], deps: IngestDeps, prefix: str) -> None:
    """One batch per event, in the order given (as separate SQS messages would arrive)."""
    for index, event in enumerate(events):
        ingest_record(inline_record([dump_event(event)], f"{prefix}-{index}"), deps)


def hallo_versions(url: str) -> list[tuple[object, ...]]:
    return rows(
        url,
        "SELECT text_body, is_original FROM message_versions WHERE message_id = %s ORDER BY edited_at",
        HALLO_ID,
    )


def test_sealed_edit_before_its_original_is_kept_then_applied_when_the_original_comes(
    database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    published = run([story.sealed_edit(EDIT_AT), hallo()], Unsealer())
    ingest_each(published, make_deps(database_url, TRACK_ALL), "sealed-first")
    assert rows(database_url, "SELECT text_body, edited_at FROM messages WHERE id = %s", HALLO_ID) == [
        (EDITED, EDIT_AT)
    ]
    assert hallo_versions(database_url) == [("Hallo! Bist du heute Abend da?", True), (EDITED, False)]
    [(kind, content)] = rows(
        database_url, "SELECT message_type, content FROM messages WHERE id = %s", "3EB0E1D1700000000002"
    )
    assert kind == "unknown" and content["decryptError"] == "original message secret not found"
    assert "encPayload" in content["secretEncryptedMessage"]  # the ciphertext is kept


def test_opened_edit_is_applied_when_the_archive_gets_the_original_after_it(
    database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    """Opened at once (whatsmeow's store knew the secret), while the original reaches the archive
    only later (e.g. with the history sync)."""
    store = MessageSecrets(lambda message_id: [KnownSecret(ANNA_JID, HALLO_SECRET)])
    [edit] = run([story.sealed_edit(EDIT_AT)], Unsealer(store))
    [original] = [e for e in run([hallo(T0)], Unsealer()) if e.kind == "message"]
    deps = make_deps(database_url, TRACK_ALL)
    ingest_each([edit, original], deps, "edit-first")
    assert rows(database_url, "SELECT text_body FROM messages WHERE id = %s", HALLO_ID) == [(EDITED,)]
    assert hallo_versions(database_url) == [("Hallo! Bist du heute Abend da?", True), (EDITED, False)]


def test_store_secrets_are_read_from_whatsmeows_table_with_senders_made_non_ad(database_url: str) -> None:
    """whatsmeow's schema (store/sqlstore upgrade 03); the sender is kept with its device."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE whatsmeow_message_secrets (our_jid TEXT, chat_jid TEXT, sender_jid TEXT,"
            " message_id TEXT, key bytea NOT NULL, PRIMARY KEY (our_jid, chat_jid, sender_jid, message_id))"
        )
        conn.execute(
            "INSERT INTO whatsmeow_message_secrets VALUES (%s, %s, %s, %s, %s)",
            (
                f"{story.ME}:2@s.whatsapp.net",
                ANNA_JID,
                "4915112345678:3@s.whatsapp.net",
                HALLO_ID,
                HALLO_SECRET,
            ),
        )
    store = StoreSecrets(database_url)
    try:
        assert store(HALLO_ID) == [KnownSecret(ANNA_JID, HALLO_SECRET)]
        assert store("3EB0UNKNOWN") == []
        [edit] = run([story.sealed_edit(EDIT_AT)], Unsealer(MessageSecrets(store)))
    finally:
        store.close()
    assert edit.kind == "edit"
