"""/api/accounts (issue #15): accounts as data, and deleting one account leaves another untouched,
on the real PostgreSQL (archive + a whatsmeow-shaped session store) and the real S3 server."""

from __future__ import annotations

import copy
import hashlib
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from deeplens.adapters.cache import make_redis
from deeplens.adapters.migrations import apply_migrations
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.domain.accounts import connector_lock_key, session_store_url
from deeplens.domain.batch import BatchPointer, encode_pointer
from deeplens.entrypoints.ingest import handler
from deeplens.entrypoints.worker import LocalContext
from deeplens.services.api import ApiDeps
from deeplens.services.ingest import IngestDeps, ingest_record
from deeplens.services.status import connector_key
from deeplens.services.tracking import tracking_key
from deeplens.settings import ApiSettings, S3Settings
from pydantic import SecretStr

from tests import factories as f
from tests.integration.api.conftest import PASSWORD, _transport
from tests.integration.api.transport import ApiClient
from tests.integration.entrypoints.test_ingest_handler import aws_event
from tests.integration.services.test_ingest_archive import rows
from tests.support import settings_from

OTHER = "second-phone"
OTHER_JID = "4917000000002@s.whatsapp.net"
MINE_JID = "4917000000001@s.whatsapp.net"
OWN_MEDIA = f"{f.PN}/2025-11-24/F0000000000000C1.jpg"
SHARED_MEDIA = f"{f.PN}/2025-11-24/F0000000000000A3.jpg"  # the story's image, in both accounts
MIGRATIONS = Path(__file__).resolve().parents[3] / "infra" / "migrations"

# whatsmeow's own DDL for three of its tables (store/sqlstore/upgrades), enough to prove the rows of
# one device go and another device's stay.
WHATSMEOW_DDL = (
    "CREATE TABLE whatsmeow_device (jid TEXT PRIMARY KEY, registration_id BIGINT NOT NULL,"
    " push_name TEXT NOT NULL DEFAULT '')",
    "CREATE TABLE whatsmeow_sessions (our_jid TEXT, their_id TEXT, session bytea,"
    " PRIMARY KEY (our_jid, their_id),"
    " FOREIGN KEY (our_jid) REFERENCES whatsmeow_device(jid) ON DELETE CASCADE ON UPDATE CASCADE)",
    "CREATE TABLE whatsmeow_message_secrets (our_jid TEXT, chat_jid TEXT, sender_jid TEXT, message_id TEXT,"
    " key bytea NOT NULL, PRIMARY KEY (our_jid, chat_jid, sender_jid, message_id),"
    " FOREIGN KEY (our_jid) REFERENCES whatsmeow_device(jid) ON DELETE CASCADE ON UPDATE CASCADE)",
    "CREATE TABLE whatsmeow_lid_map (lid TEXT PRIMARY KEY, pn TEXT UNIQUE NOT NULL)",
)


def _as_session(events: list[dict[str, Any]], session: str) -> list[dict[str, Any]]:
    moved = copy.deepcopy(events)
    for event in moved:
        event["session"] = session
    return moved


def _record(events: list[dict[str, Any]], session: str) -> str:
    batch_id = f"acc-{uuid.uuid4().hex[:12]}"
    pointer = BatchPointer(
        batch_id=batch_id,
        session=session,
        bucket="deeplens-events",
        key=f"events/{session}/2025/11/24/{batch_id}.jsonl.gz",
        count=len(events),
        events=events,
    )
    return encode_pointer(pointer)


def _own_image_event(session: str) -> dict[str, Any]:
    image = {"type": "image", "text": None}
    media = f.media("F0000000000000C1", "stored", OWN_MEDIA)
    event = f.message(f.PN, "3EB0C1", f.ME, f.T0 + 900, **image, media=media)
    event["session"] = session
    return event


def _fill_store(url: str, jid: str, number: int) -> None:
    with psycopg.connect(url) as conn:
        for statement in WHATSMEOW_DDL:
            conn.execute(statement)
        device = jid.replace("@", f":{number + 10}@")
        conn.execute("INSERT INTO whatsmeow_device (jid, registration_id) VALUES (%s, %s)", (device, number))
        for peer in ("a", "b", "c"):
            conn.execute(
                "INSERT INTO whatsmeow_sessions VALUES (%s, %s, %s)", (device, peer, f"{jid}{peer}".encode())
            )
        conn.execute(
            "INSERT INTO whatsmeow_message_secrets VALUES (%s, %s, %s, 'M1', 'k')", (device, f.PN, f.PN)
        )
        conn.execute("INSERT INTO whatsmeow_lid_map VALUES (%s, %s)", (f.LID, f.PN))


@pytest.fixture
def store_url(fresh_databases: Callable[[], str]) -> Iterator[str]:
    """SESSION_STORE_URL with our device (primary_agent), and beside it the other account's own
    store database (domain.accounts.session_store_url) with its device."""
    url = fresh_databases()
    _fill_store(url, MINE_JID, 1)
    other = session_store_url(url, OTHER, f.SESSION)
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {other.rsplit('/', 1)[1]} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {other.rsplit('/', 1)[1]}")
    _fill_store(other, OTHER_JID, 2)
    yield url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {other.rsplit('/', 1)[1]} WITH (FORCE)")


@pytest.fixture
def two_accounts(
    database_url: str,
    make_deps: Callable[..., IngestDeps],
    stack_env: dict[str, str],
) -> ObjectStore:
    """Both accounts hold the factories' story (same chats, same message ids); the other account
    also an image of its own (OWN_MEDIA), while the story's image object is shared by both. Each
    has two objects in the event log. Returns the media bucket."""
    deps = make_deps(database_url)
    for session in (f.SESSION, OTHER):
        events = [*_as_session(f.story(), session)]
        ingest_record(_record(events, session), deps)
    ingest_record(_record([_own_image_event(OTHER)], OTHER), deps)
    with psycopg.connect(database_url) as conn:
        for session, jid in ((f.SESSION, MINE_JID), (OTHER, OTHER_JID)):
            conn.execute(
                "INSERT INTO connector_status (session_id, state, account_jid) VALUES (%s, 'connected', %s)",
                (session, jid),
            )
    s3: S3Settings = settings_from(S3Settings, stack_env)
    client = make_s3_client(s3)
    media = ObjectStore(client, s3.minio_bucket)
    media.put(SHARED_MEDIA, b"shared-jpeg", "image/jpeg")
    media.put(OWN_MEDIA, b"own-jpeg", "image/jpeg")
    events_store = ObjectStore(client, s3.events_bucket)
    for session in (f.SESSION, OTHER):
        events_store.put(
            f"events/{session}/2025/11/24/{session}.jsonl.gz", session.encode(), "application/gzip"
        )
        events_store.put(
            f"untracked/{session}/x~s.whatsapp.net/2025/11/24/u.jsonl.gz", b"u", "application/gzip"
        )
    return media


@pytest.fixture
def admin(
    make_api_deps: Callable[[ApiSettings], ApiDeps], api_settings: ApiSettings, store_url: str
) -> Iterator[ApiClient]:
    """A logged-in client (uvicorn) whose API knows the session store."""
    settings = api_settings.model_copy(update={"session_store_url": SecretStr(store_url)})
    deps = make_api_deps(settings)
    deps.cache.delete("login_attempts:127.0.0.1")
    transport = _transport("uvicorn", deps)
    client = ApiClient(transport, "uvicorn")
    assert client.login(PASSWORD).status == 200
    yield client
    transport.close()


def _archive_dump(url: str, session: str) -> dict[str, list[str]]:
    """Every row of `session` in every table with a session_id, as JSON text, in a stable order."""
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.columns"
                " WHERE table_schema = 'public' AND column_name = 'session_id' ORDER BY 1"
            ).fetchall()
        ]
        return {
            table: [
                row[0]
                for row in conn.execute(
                    f"SELECT to_jsonb(t)::text FROM {table} t WHERE session_id = %s ORDER BY 1", (session,)
                ).fetchall()
            ]
            for table in tables
        }


def _store_dump(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = []
        for table in (
            "whatsmeow_device",
            "whatsmeow_sessions",
            "whatsmeow_message_secrets",
            "whatsmeow_lid_map",
        ):
            rows += [
                f"{table}:{r[0]}" for r in conn.execute(f"SELECT to_jsonb(t)::text FROM {table} t ORDER BY 1")
            ]
        return rows


def _lid_rows(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT to_jsonb(t)::text FROM whatsmeow_lid_map t ORDER BY 1")]


def _objects(store: ObjectStore, prefix: str) -> dict[str, str]:
    return {key: hashlib.sha256(store.get(key)).hexdigest() for key in store.keys(prefix)}


def test_the_session_a_database_already_holds_becomes_an_account_when_migrated(
    fresh_databases: Callable[[], str], tmp_path: Path
) -> None:
    url = fresh_databases()
    with psycopg.connect(url, autocommit=True) as conn:  # back to before 0015: an older installation
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    older = tmp_path / "older"
    older.mkdir()
    for path in sorted(MIGRATIONS.glob("*.sql")):
        if int(path.name[:4]) < 15:
            (older / path.name).write_text(path.read_text())
    apply_migrations(url, older)
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO chats (session_id, jid, kind) VALUES ('legacy', %s, 'direct')", (f.PN,))
        conn.execute(
            "INSERT INTO connector_status (session_id, state, account_jid)"
            " VALUES ('legacy', 'connected', %s)",
            (MINE_JID,),
        )
    apply_migrations(url, MIGRATIONS)
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT id, display_name, phone, account_jid, state FROM accounts").fetchall()
        assert rows == [("legacy", "legacy", "4917000000001", MINE_JID, "active")]
        conn.execute(  # pairing later: the connector's status row fills the account's phone
            "UPDATE connector_status SET account_jid = %s WHERE session_id = 'legacy'", (OTHER_JID,)
        )
        assert conn.execute("SELECT phone FROM accounts").fetchone() == ("4917000000002",)


def test_first_listing_shows_session_id_as_the_only_account_when_the_archive_is_new(
    client: ApiClient,
) -> None:
    listed = client.get("/api/accounts").json()
    assert [(a["id"], a["state"], a["connection"], a["phone"]) for a in listed] == [
        (f.SESSION, "active", "unknown", None)
    ]


def test_accounts_are_added_renamed_paused_and_refused_with_reasons(client: ApiClient) -> None:
    created = client.request("POST", "/api/accounts", json_body={"id": "sales", "display_name": "Sales"})
    assert created.status == 201
    assert (created.json()["id"], created.json()["display_name"], created.json()["state"]) == (
        "sales",
        "Sales",
        "active",
    )
    again = client.request("POST", "/api/accounts", json_body={"id": "sales"})
    assert (again.status, again.json()["error"]["field"]) == (409, "id")
    bad = client.request("POST", "/api/accounts", json_body={"id": "no spaces/here"})
    assert bad.status == 422
    patched = client.request(
        "PATCH", "/api/accounts/sales", json_body={"state": "paused", "track_groups": True}
    )
    assert (patched.status, patched.json()["state"], patched.json()["track_groups"]) == (200, "paused", True)
    assert client.request("PATCH", "/api/accounts/nobody", json_body={"state": "paused"}).status == 404
    assert client.request("PATCH", "/api/accounts/sales", json_body={}).status == 400
    assert client.request("PATCH", "/api/accounts/sales", json_body={"state": "gone"}).status == 422
    for required in ("display_name", "state"):  # NOT NULL columns: a 400 naming the field, not a 500
        nulled = client.request("PATCH", "/api/accounts/sales", json_body={required: None})
        assert (nulled.status, nulled.json()["error"]["field"]) == (400, required)
    cleared = client.request("PATCH", "/api/accounts/sales", json_body={"track_groups": None})
    assert (cleared.status, cleared.json()["track_groups"]) == (200, None)  # null: the installation's default
    assert [a["id"] for a in client.get("/api/accounts").json()] == [f.SESSION, "sales"]


def test_delete_counts_first_and_refuses_until_confirmed_and_paused(
    admin: ApiClient, two_accounts: ObjectStore, database_url: str
) -> None:
    admin.get("/api/accounts")
    # the other account's rows came through ingest before it was added: add it now under its id
    assert admin.request("POST", "/api/accounts", json_body={"id": OTHER}).status == 201
    dry = admin.request(
        "DELETE", f"/api/accounts/{OTHER}", params={"media": "true", "event_log": "true"}
    ).json()
    assert dry["dry_run"] is True
    assert dry["archive"] == {table: len(rows) for table, rows in _archive_dump(database_url, OTHER).items()}
    assert dry["archive"]["messages"] >= 5 and dry["archive"]["chats"] == 3
    assert dry["session_store"] == {
        "whatsmeow_device": 1,
        "whatsmeow_message_secrets": 1,
        "whatsmeow_sessions": 3,
    }
    assert (dry["media_objects"], dry["event_log_objects"]) == (1, 2)  # the shared image is not counted
    unconfirmed = admin.request("DELETE", f"/api/accounts/{OTHER}", params={"dry_run": "false"})
    assert (unconfirmed.status, unconfirmed.json()["error"]["field"]) == (400, "confirm")
    active = admin.request("DELETE", f"/api/accounts/{OTHER}", params={"dry_run": "false", "confirm": OTHER})
    assert active.status == 409 and "pause" in active.json()["error"]["message"]


def test_delete_is_refused_while_the_accounts_connector_holds_its_lock(
    admin: ApiClient, two_accounts: ObjectStore, store_url: str
) -> None:
    admin.request("POST", "/api/accounts", json_body={"id": OTHER})
    admin.request("PATCH", f"/api/accounts/{OTHER}", json_body={"state": "paused"})
    other_store = session_store_url(store_url, OTHER, f.SESSION)
    with psycopg.connect(other_store, autocommit=True) as connector:  # what a running connector holds
        connector.execute("SELECT pg_advisory_lock(%s)", (connector_lock_key(OTHER),))
        busy = admin.request(
            "DELETE", f"/api/accounts/{OTHER}", params={"dry_run": "false", "confirm": OTHER}
        )
        assert busy.status == 409 and "still runs" in busy.json()["error"]["message"]
    assert [a["id"] for a in admin.get("/api/accounts").json()] == [f.SESSION, OTHER]


def test_deleting_one_account_leaves_the_other_byte_identical(  # noqa: PLR0917 - fixtures
    admin: ApiClient,
    two_accounts: ObjectStore,
    database_url: str,
    store_url: str,
    stack_env: dict[str, str],
    api_settings: ApiSettings,
) -> None:
    admin.get("/api/accounts")
    admin.request("POST", "/api/accounts", json_body={"id": OTHER})
    s3: S3Settings = settings_from(S3Settings, stack_env)
    events = ObjectStore(make_s3_client(s3), s3.events_bucket)
    kept_rows = _archive_dump(database_url, f.SESSION)
    other_store = session_store_url(store_url, OTHER, f.SESSION)
    kept_store = _store_dump(store_url)
    assert len(_store_dump(other_store)) == 6
    kept_events = {**_objects(events, f"events/{f.SESSION}/"), **_objects(events, f"untracked/{f.SESSION}/")}
    kept_media = _objects(two_accounts, SHARED_MEDIA)
    assert sum(map(len, kept_rows.values())) > 30 and len(kept_store) == 6 and kept_media

    redis = make_redis(api_settings)
    for account in (f.SESSION, OTHER):  # what the API and the connector keep in Redis per account
        redis.set(tracking_key(account, f.GROUP), '{"is_tracked": true}')
        redis.set(connector_key(account), '{"state": "connected"}')
    admin.request("PATCH", f"/api/accounts/{OTHER}", json_body={"state": "paused"})
    params = {"dry_run": "false", "confirm": OTHER, "media": "true", "event_log": "true"}
    done = admin.request("DELETE", f"/api/accounts/{OTHER}", params=params)
    assert done.status == 200, done.body
    assert (done.json()["dry_run"], done.json()["media_objects"], done.json()["event_log_objects"]) == (
        False,
        1,
        2,
    )

    assert _archive_dump(database_url, f.SESSION) == kept_rows
    assert all(rows == [] for rows in _archive_dump(database_url, OTHER).values())
    assert _store_dump(store_url) == kept_store
    assert _store_dump(other_store) == [f"whatsmeow_lid_map:{row}" for row in _lid_rows(other_store)]
    assert {
        **_objects(events, f"events/{f.SESSION}/"),
        **_objects(events, f"untracked/{f.SESSION}/"),
    } == kept_events
    assert list(events.keys(f"events/{OTHER}/")) == [] and list(events.keys(f"untracked/{OTHER}/")) == []
    assert _objects(two_accounts, SHARED_MEDIA) == kept_media  # still referenced by the kept account
    assert not two_accounts.exists(OWN_MEDIA)
    assert redis.get(tracking_key(OTHER, f.GROUP)) is None and redis.get(connector_key(OTHER)) is None
    assert redis.get(tracking_key(f.SESSION, f.GROUP)) and redis.get(connector_key(f.SESSION))
    assert [a["id"] for a in admin.get("/api/accounts").json()] == [f.SESSION]
    admin.request("PATCH", f"/api/accounts/{f.SESSION}", json_body={"state": "paused"})
    last = admin.request(
        "DELETE", f"/api/accounts/{f.SESSION}", params={"dry_run": "false", "confirm": f.SESSION}
    )
    assert (last.status, "at least one" in last.json()["error"]["message"]) == (409, True)


# -- every route scoped (item 2) -------------------------------------------------------------------


def _limited_token(admin: ApiClient, accounts: list[str]) -> ApiClient:
    reply = admin.request("POST", "/api/auth/tokens", json_body={"name": "script", "accounts": accounts})
    assert reply.status == 201, reply.body
    assert reply.json()["accounts"] == accounts
    limited = ApiClient(admin.transport, "uvicorn")
    limited.bearer = reply.json()["token"]
    return limited


def test_scoped_routes_need_the_account_once_there_are_two(
    admin: ApiClient, two_accounts: ObjectStore
) -> None:
    assert admin.get("/api/chats").status == 200  # one account: the account may be left out
    admin.request("POST", "/api/accounts", json_body={"id": OTHER})
    missing = admin.get("/api/chats")
    assert (missing.status, missing.json()["error"]["field"]) == (400, "account")
    assert OTHER in missing.json()["error"]["message"]
    assert admin.get("/api/chats", params={"account": "nobody"}).status == 404
    assert admin.get("/api/chats", params={"account": "bad id!"}).status == 400
    assert admin.get("/api/health").status == 200 and admin.get("/api/accounts").status == 200


def test_each_account_sees_its_own_chats_tracking_and_media(
    admin: ApiClient, two_accounts: ObjectStore, database_url: str
) -> None:
    admin.request("POST", "/api/accounts", json_body={"id": OTHER})
    mine = {"account": f.SESSION}
    other = {"account": OTHER}
    patched = admin.request("PATCH", f"/api/tracking/{f.GROUP}", params=other, json_body={"is_tracked": True})
    assert patched.status == 200
    lists = {a: admin.get("/api/tracking", params={"account": a}).json() for a in (f.SESSION, OTHER)}
    tracked = {a: {i["jid"]: i["is_tracked"] for i in items} for a, items in lists.items()}
    assert (tracked[f.SESSION][f.GROUP], tracked[OTHER][f.GROUP]) == (False, True)
    with psycopg.connect(database_url) as conn:  # ...and in the archive, under each account
        rows = conn.execute(
            "SELECT session_id, is_tracked FROM tracking_config WHERE jid = %s ORDER BY 1", (f.GROUP,)
        )
        assert rows.fetchall() == [(f.SESSION, False), (OTHER, True)]
    assert admin.get("/api/media/F0000000000000C1", params=other).body == b"own-jpeg"
    assert admin.get("/api/media/F0000000000000C1", params=mine).status == 404
    session = admin.get("/api/session", params=other).json()
    assert (session["session_id"], session["account_jid"]) == (OTHER, OTHER_JID)


def test_search_spans_every_account_or_one_and_each_hit_names_its_account(
    admin: ApiClient, two_accounts: ObjectStore
) -> None:
    admin.request("POST", "/api/accounts", json_body={"id": OTHER})
    both = admin.get("/api/search", params={"q": "Hallo"}).json()["items"]
    assert sorted(hit["account"] for hit in both) == sorted([f.SESSION, OTHER])
    assert {hit["id"] for hit in both} == {"3EB0A1"}
    one = admin.get("/api/search", params={"q": "Hallo", "account": OTHER}).json()["items"]
    assert [hit["account"] for hit in one] == [OTHER]
    first = admin.get("/api/search", params={"q": "Hallo", "limit": 1}).json()
    second = admin.get(
        "/api/search", params={"q": "Hallo", "limit": 1, "cursor": first["next_cursor"]}
    ).json()
    assert first["next_cursor"] and len(first["items"]) == 1 and len(second["items"]) <= 1


def test_a_token_limited_to_one_account_sees_only_that_account(
    admin: ApiClient, two_accounts: ObjectStore
) -> None:
    admin.request("POST", "/api/accounts", json_body={"id": OTHER})
    assert (
        admin.request("POST", "/api/auth/tokens", json_body={"name": "x", "accounts": ["ghost"]}).status
        == 400
    )
    limited = _limited_token(admin, [OTHER])
    assert [a["id"] for a in limited.get("/api/accounts").json()] == [OTHER]
    assert limited.get("/api/chats").status == 200  # its only account: may be left out
    refused = limited.get("/api/chats", params={"account": f.SESSION})
    assert (refused.status, refused.json()["error"]["field"]) == (403, "account")
    hits = limited.get("/api/search", params={"q": "Hallo"}).json()["items"]
    assert [hit["account"] for hit in hits] == [OTHER]
    assert limited.request("POST", "/api/accounts", json_body={"id": "third"}).status == 403
    assert limited.request("PATCH", f"/api/accounts/{OTHER}", json_body={"state": "paused"}).status == 403
    assert limited.request("POST", "/api/auth/tokens", json_body={"name": "more"}).status == 403


# -- isolation (item 4) ----------------------------------------------------------------------------


def test_a_bad_envelope_of_one_account_fails_alone_and_is_counted_for_that_account(
    admin: ApiClient, database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    admin.request("POST", "/api/accounts", json_body={"id": OTHER})
    bad = _as_session([f.message(f.PN, "B2", f.PN, f.T0, "bad")], OTHER)
    bad[0]["timestamp_ms"] = "yesterday"
    event = aws_event(
        _record([f.message(f.PN, "A1", f.PN, f.T0, "mine before")], f.SESSION),
        _record(bad, OTHER),
        _record(_as_session([f.message(f.PN, "B1", f.PN, f.T0, "theirs, fine")], OTHER), OTHER),
        _record([f.message(f.PN, "A2", f.PN, f.T0 + 1, "mine after")], f.SESSION),
    )
    response = handler(event, LocalContext(), make_deps(database_url))
    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-1"}]}
    assert rows(database_url, "SELECT session_id, id FROM messages ORDER BY 1, 2") == [
        (f.SESSION, "A1"), (f.SESSION, "A2"), (OTHER, "B1")
    ]  # fmt: skip
    [(session, reason)] = rows(database_url, "SELECT session_id, reason FROM ingest_rejections")
    assert session == OTHER and reason.startswith(f"account {OTHER}: ") and "timestamp_ms" in reason
    counts = {a["id"]: a["rejected_batches"] for a in admin.get("/api/accounts").json()}
    assert counts == {f.SESSION: 0, OTHER: 1}
