"""Two accounts end to end (#15): the recorded sample replayed by two connectors under two accounts
into one stack (one queue, one bucket, one archive), ingested by the real handler, then read and
changed through the API: chats, search, media and tracking stay apart, and deleting one account
leaves the other byte-identical (rows, media objects, event log)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from deeplens.adapters.cache import Cache, make_redis
from deeplens.adapters.object_store import ObjectStore
from deeplens.bootstrap import make_pool
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.entrypoints.http.app import create_app
from deeplens.services.api import ApiDeps
from deeplens.services.ingest import IngestDeps
from deeplens.settings import ApiSettings
from deeplens_connector.runtime import run_replay
from deeplens_connector.sample.build_sample import ANNA_JID, GROUP_JID, SAMPLE, SEARCH_WORD
from deeplens_connector.settings import ConnectorSettings

from tests.integration.api.transport import ApiClient, UvicornTransport
from tests.integration.connector.test_replay_end_to_end import _ingest
from tests.support import settings_from

PASSWORD = "correct horse battery staple"


@pytest.fixture
def accounts() -> tuple[str, str]:
    tag = uuid.uuid4().hex[:8]
    return f"home_{tag}", f"work_{tag}"  # own Redis keys, locks and event log prefixes per test


@pytest.fixture
def replayed(
    connector_settings: Callable[..., ConnectorSettings],
    local_queue_pair: Callable[..., Any],
    make_deps: Callable[..., IngestDeps],
    database_url: str,
    accounts: tuple[str, str],
) -> None:
    """The sample recording replayed once per account (groups tracked, so the group's history and
    its photo are archived too), then everything in the queue ingested."""
    queue, _ = local_queue_pair()
    spool = connector_settings().connector_spool_dir
    assert spool is not None
    for account in accounts:
        settings = connector_settings(
            session_id=account,
            ingest_queue_url=queue.url,
            default_track_groups=True,
            connector_spool_dir=spool.with_name(f"spool-{account}"),  # one spool per connector
        )
        _, drained = run_replay(settings, SAMPLE)
        assert drained
    _ingest(queue, make_deps(database_url, TrackingPolicy(track_groups=True)))


@pytest.fixture
def client(
    stack_env: dict[str, str],
    database_url: str,
    accounts: tuple[str, str],
    tmp_path: Path,
    media_store: ObjectStore,
) -> Iterator[ApiClient]:
    """The API of that archive, its primary account (SESSION_ID) the first; logged in."""
    settings: ApiSettings = settings_from(
        ApiSettings, stack_env, database_url=database_url, admin_password=PASSWORD,
        session_id=accounts[0], frontend_dir=tmp_path / "no-frontend",
    )  # fmt: skip
    pool = make_pool(database_url)
    cache = Cache(make_redis(settings))
    cache.delete("login_attempts:127.0.0.1")
    transport = UvicornTransport(create_app(ApiDeps(settings, pool, cache, media_store)))
    api = ApiClient(transport, "uvicorn")
    assert api.login(PASSWORD).status == 200
    yield api
    transport.close()
    pool.close()


TABLES = (
    "SELECT table_name FROM information_schema.columns"
    " WHERE table_schema = 'public' AND column_name = 'session_id' ORDER BY 1"
)
MEDIA_KEYS = "SELECT bucket_key FROM media WHERE session_id = %s AND bucket_key IS NOT NULL"


def _dump(url: str, session: str) -> dict[str, list[str]]:
    """Every row of `session` in every table with a session_id, as JSON text, in a stable order."""
    dumped = {}
    with psycopg.connect(url) as conn:
        for (table,) in conn.execute(TABLES).fetchall():
            query = f"SELECT to_jsonb(x)::text FROM {table} x WHERE session_id = %s ORDER BY 1"
            dumped[table] = [row[0] for row in conn.execute(query, (session,)).fetchall()]
    return dumped


def _media_objects(url: str, session: str, store: ObjectStore) -> dict[str, str]:
    with psycopg.connect(url) as conn:
        keys = [row[0] for row in conn.execute(MEDIA_KEYS, (session,)).fetchall()]
    return {key: hashlib.sha256(store.get(key)).hexdigest() for key in keys}


def _log(store: ObjectStore, session: str) -> dict[str, str]:
    return {key: hashlib.sha256(store.get(key)).hexdigest() for key in store.keys(f"events/{session}/")}


@pytest.mark.usefixtures("replayed")
def test_two_replayed_accounts_stay_apart_and_deleting_one_leaves_the_other_identical(
    client: ApiClient,
    accounts: tuple[str, str],
    database_url: str,
    media_store: ObjectStore,
    events_store: ObjectStore,
) -> None:
    home, work = accounts
    assert (
        client.request("POST", "/api/accounts", json_body={"id": work, "display_name": "Work"}).status == 201
    )
    assert client.get("/api/chats").status == 400  # two accounts: which one?

    chats = {
        a: [c["jid"] for c in client.get("/api/chats", params={"account": a}).json()["items"]]
        for a in accounts
    }
    assert chats[home] == chats[work] and ANNA_JID in chats[home] and GROUP_JID in chats[home]

    hits = client.get("/api/search", params={"q": SEARCH_WORD}).json()["items"]
    assert sorted(hit["account"] for hit in hits) == sorted(accounts)
    assert [
        h["account"]
        for h in client.get("/api/search", params={"q": SEARCH_WORD, "account": work}).json()["items"]
    ] == [work]

    off = client.request(
        "PATCH", f"/api/tracking/{GROUP_JID}", params={"account": work}, json_body={"is_tracked": False}
    )
    assert off.status == 200
    lists = {a: client.get("/api/tracking", params={"account": a}).json() for a in accounts}
    tracked = {a: {t["jid"]: t["is_tracked"] for t in items} for a, items in lists.items()}
    assert (tracked[home][GROUP_JID], tracked[work][GROUP_JID]) == (True, False)

    stored = "SELECT session_id, file_id FROM media WHERE message_id = '3EB0DEMO0002'"
    with psycopg.connect(database_url) as conn:
        file_ids = dict(conn.execute(stored).fetchall())
    served = {a: client.get(f"/api/media/{file_ids[a]}", params={"account": a}) for a in accounts}
    assert served[home].status == served[work].status == 200 and served[home].body == served[work].body
    assert client.get(f"/api/media/{file_ids[home]}", params={"account": work}).status == 404

    kept_rows = _dump(database_url, home)
    kept_media = _media_objects(database_url, home, media_store)
    kept_log = _log(events_store, home)
    gone_media = _media_objects(database_url, work, media_store)
    assert set(gone_media).isdisjoint(kept_media)  # each account's files under keys of its own
    assert kept_media and kept_log and len(kept_rows["messages"]) > 10

    client.request("PATCH", f"/api/accounts/{work}", json_body={"state": "paused"})
    params = {"dry_run": "false", "confirm": work, "media": "true", "event_log": "true"}
    done = client.request("DELETE", f"/api/accounts/{work}", params=params)
    assert done.status == 200, done.body
    assert done.json()["media_objects"] == len(kept_media)  # the same files, under their own keys
    assert done.json()["event_log_objects"] > 0

    assert _dump(database_url, home) == kept_rows
    assert _media_objects(database_url, home, media_store) == kept_media
    assert _log(events_store, home) == kept_log
    assert all(rows == [] for rows in _dump(database_url, work).values())
    assert list(events_store.keys(f"events/{work}/")) == []
    assert not any(media_store.exists(key) for key in gone_media)
    assert [a["id"] for a in client.get("/api/accounts").json()] == [home]
    assert client.get("/api/chats").json()["items"]  # one account again: no account needed
