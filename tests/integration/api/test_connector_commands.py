"""The pairing controls: each route checks the request and queues one command in the real Redis
for the connector (what the connector does with it: tests/integration/connector/test_commands.py);
GET /api/session shows the link code and whether the archive holds anything."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
import redis
from deeplens.adapters.cache import make_redis
from deeplens.domain import connector_commands as rules
from deeplens.services.api import ApiDeps
from deeplens.services.status import connector_key
from deeplens.settings import ApiSettings

from tests import factories as f
from tests.integration.api.transport import ApiClient

QUEUE = rules.commands_key(f.SESSION)


@pytest.fixture
def queued(api_settings: ApiSettings, api_deps: ApiDeps) -> Iterator[redis.Redis[str]]:
    """Redis with neither a command list nor a live status for the session, before and after."""
    client = make_redis(api_settings)
    client.delete(QUEUE, connector_key(f.SESSION))
    yield client
    client.delete(QUEUE, connector_key(f.SESSION))
    client.close()


def _post(client: ApiClient, path: str, body: object = None) -> tuple[int, dict[str, object]]:
    reply = client.request("POST", path, json_body=body)
    return reply.status, reply.json()


def _connector_reports(deps: ApiDeps, state: str, **fields: object) -> None:
    deps.cache.set(connector_key(f.SESSION), json.dumps({"state": state, **fields}), 60)


def test_pair_phone_queues_digits_for_the_connector_when_number_is_valid(
    client: ApiClient, queued: redis.Redis[str]
) -> None:
    before = datetime.now(UTC)
    assert _post(client, "/api/connector/pair-phone", {"phone": "+49 151 1234 5678"}) == (
        202,
        {"command": "pair_phone"},
    )
    (entry,) = queued.lrange(QUEUE, 0, -1)
    command = rules.parse(entry)
    assert (command.command, command.phone) == ("pair_phone", "4915112345678")
    assert before - timedelta(seconds=1) <= command.issued_at <= datetime.now(UTC)
    assert 0 < queued.ttl(QUEUE) <= 120  # nobody waits longer: the list expires with its commands


@pytest.mark.parametrize(
    ("phone", "reason"),
    [("0151 1234 5678", "country code"), ("+49 abc", "only digits"), ("12345", "7 to 15")],
)
def test_pair_phone_answers_400_with_reason_when_number_is_bad(
    client: ApiClient, queued: redis.Redis[str], phone: str, reason: str
) -> None:
    status, body = _post(client, "/api/connector/pair-phone", {"phone": phone})
    error = body["error"]
    assert isinstance(error, dict)
    assert (status, error["code"], error["field"]) == (400, "invalid_request", "phone")
    assert reason in str(error["message"])
    assert queued.llen(QUEUE) == 0


@pytest.mark.parametrize("path", ["/api/connector/pair-phone", "/api/connector/new-code"])
def test_pairing_answers_409_with_reason_when_account_is_already_linked(
    client: ApiClient, api_deps: ApiDeps, queued: redis.Redis[str], path: str
) -> None:
    _connector_reports(api_deps, "connected", account_jid=f.ME)
    status, body = _post(client, path, {"phone": "+4915112345678"} if path.endswith("phone") else None)
    error = body["error"]
    assert isinstance(error, dict)
    assert (status, error["code"]) == (409, "conflict")
    assert "already linked" in str(error["message"])
    assert queued.llen(QUEUE) == 0


def test_pairing_is_refused_when_postgres_says_linked_and_redis_has_nothing(
    client: ApiClient, queued: redis.Redis[str], database_url: str
) -> None:
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "INSERT INTO connector_status (session_id, state) VALUES (%s, 'connected')", (f.SESSION,)
        )
    assert _post(client, "/api/connector/new-code")[0] == 409


@pytest.mark.parametrize(
    ("path", "command"),
    [
        ("/api/connector/logout", "logout"),
        ("/api/connector/restart", "restart"),
        ("/api/connector/new-code", "new_code"),
    ],
)
def test_control_queues_its_command_when_called(
    client: ApiClient, api_deps: ApiDeps, queued: redis.Redis[str], path: str, command: str
) -> None:
    _connector_reports(api_deps, "waiting_for_qr", qr_code="2@abc")
    assert _post(client, path) == (202, {"command": command})
    assert [rules.parse(entry).command for entry in queued.lrange(QUEUE, 0, -1)] == [command]


def test_logout_and_restart_are_queued_when_account_is_linked(
    client: ApiClient, api_deps: ApiDeps, queued: redis.Redis[str]
) -> None:
    _connector_reports(api_deps, "connected")
    assert _post(client, "/api/connector/logout")[0] == 202
    assert _post(client, "/api/connector/restart")[0] == 202
    assert [rules.parse(entry).command for entry in queued.lrange(QUEUE, 0, -1)] == ["logout", "restart"]


def test_command_list_keeps_only_the_newest_when_clicked_many_times(
    client: ApiClient, queued: redis.Redis[str]
) -> None:
    for _ in range(rules.MAX_QUEUED + 5):
        assert _post(client, "/api/connector/restart")[0] == 202
    assert queued.llen(QUEUE) == rules.MAX_QUEUED


@pytest.mark.parametrize(
    "path",
    [
        "/api/connector/pair-phone",
        "/api/connector/logout",
        "/api/connector/restart",
        "/api/connector/new-code",
    ],
)
def test_controls_answer_401_and_queue_nothing_without_credentials(
    anonymous: ApiClient, queued: redis.Redis[str], path: str
) -> None:
    reply = anonymous.request("POST", path, json_body={"phone": "+4915112345678"})
    assert reply.status == 401
    assert queued.llen(QUEUE) == 0


def test_session_shows_link_code_when_connector_reports_one(
    client: ApiClient, api_deps: ApiDeps, queued: redis.Redis[str]
) -> None:
    expires = datetime.now(UTC) + timedelta(minutes=3)
    _connector_reports(
        api_deps,
        "waiting_for_qr",
        qr_code="2@abc",
        pair_code="ABCD-EFGH",
        pair_code_expires_at=expires.isoformat(),
    )
    session = client.get("/api/session").json()
    assert (session["pair_code"], session["qr_code"]) == ("ABCD-EFGH", "2@abc")
    assert datetime.fromisoformat(session["pair_code_expires_at"].replace("Z", "+00:00")) == expires


def test_session_has_no_archive_when_nothing_was_ingested(
    client: ApiClient, queued: redis.Redis[str]
) -> None:
    session = client.get("/api/session").json()
    assert (session["has_archive"], session["pair_code"], session["pair_code_expires_at"]) == (
        False,
        None,
        None,
    )


def test_session_has_archive_when_chats_were_ingested(
    client: ApiClient, api_deps: ApiDeps, queued: redis.Redis[str], story: None
) -> None:
    _connector_reports(api_deps, "connected")
    assert client.get("/api/session").json()["has_archive"] is True


def test_openapi_documents_each_control_with_its_answers(client: ApiClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    declared = {
        path: set(paths[path]["post"]["responses"]) for path in paths if path.startswith("/api/connector/")
    }
    scope = {"400", "403", "404"}  # the account scope's answers (several accounts, not allowed, unknown)
    assert declared == {
        "/api/connector/pair-phone": {"202", "401", "409", "422", "503"} | scope,
        "/api/connector/logout": {"202", "401", "422", "503"} | scope,
        "/api/connector/restart": {"202", "401", "422", "503"} | scope,
        "/api/connector/new-code": {"202", "401", "409", "422", "503"} | scope,
    }
