"""Health of each dependency (no credentials), the connector's state, the Lambda module."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable

import psycopg
import pytest
from deeplens import bootstrap
from deeplens.entrypoints.api import make_handler
from deeplens.services.api import ApiDeps
from deeplens.services.status import connector_key
from deeplens.settings import ApiSettings

from tests import factories as f
from tests.integration.api.conftest import PASSWORD
from tests.integration.api.transport import ApiClient, LambdaTransport, v2_event


def test_health_reports_each_dependency_ok_when_all_answer(anonymous: ApiClient) -> None:
    reply = anonymous.get("/api/health")
    assert reply.status == 200
    assert reply.json() == {"status": "ok", "dependencies": {"postgres": "ok", "redis": "ok", "s3": "ok"}}


def test_health_answers_503_naming_redis_when_redis_is_unreachable(
    make_api_deps: Callable[[ApiSettings], ApiDeps], api_settings: ApiSettings
) -> None:
    deps = make_api_deps(api_settings.model_copy(update={"redis_port": 1}))
    reply = ApiClient(LambdaTransport(make_handler(deps)), "lambda").get("/api/health")
    assert reply.status == 503
    assert reply.json()["dependencies"]["redis"].startswith("down: TransientError")
    assert reply.json()["dependencies"]["postgres"] == "ok"


def test_session_shows_unknown_state_when_connector_never_reported(
    client: ApiClient, api_deps: ApiDeps
) -> None:
    api_deps.cache.delete(connector_key(f.SESSION))
    session = client.get("/api/session").json()
    assert (session["state"], session["qr_code"], session["session_id"]) == ("unknown", None, f.SESSION)


def test_session_shows_last_known_state_when_only_postgres_has_it(
    client: ApiClient, api_deps: ApiDeps, database_url: str
) -> None:
    api_deps.cache.delete(connector_key(f.SESSION))
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "INSERT INTO connector_status (session_id, state, qr_code, history_progress)"
            " VALUES (%s, 'pairing', '2@abc,def', 0)",
            (f.SESSION,),
        )
    session = client.get("/api/session").json()
    assert (session["state"], session["qr_code"], session["history_progress"]) == ("pairing", "2@abc,def", 0)


def test_session_prefers_live_state_when_connector_wrote_redis(client: ApiClient, api_deps: ApiDeps) -> None:
    live = {"state": "connected", "account_jid": f.ME, "history_progress": 40, "secret": "dropped"}
    api_deps.cache.set(connector_key(f.SESSION), json.dumps(live), 60)
    try:
        session = client.get("/api/session").json()
    finally:
        api_deps.cache.delete(connector_key(f.SESSION))
    assert (session["state"], session["account_jid"], session["history_progress"]) == ("connected", f.ME, 40)
    assert "secret" not in session


def test_unknown_api_path_answers_json_404_when_requested(client: ApiClient) -> None:
    reply = client.get("/api/nothing-here")
    assert (reply.status, reply.json()["error"]["code"]) == (404, "not_found")


def test_lambda_module_builds_the_app_once_when_invoked_from_environment(
    monkeypatch: pytest.MonkeyPatch, stack_env: dict[str, str], database_url: str
) -> None:
    for name, value in {**stack_env, "DATABASE_URL": database_url, "ADMIN_PASSWORD": PASSWORD}.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("deeplens.entrypoints.api", None)
    module = importlib.import_module("deeplens.entrypoints.api")
    bootstrap.api_deps.cache_clear()
    try:
        assert bootstrap.api_deps.cache_info().currsize == 0  # importing built nothing
        first = module.handler(v2_event("GET", "/api/health", {}, None, {}), None)
        second = module.handler(v2_event("GET", "/api/chats", {}, None, {}), None)
        assert (first["statusCode"], second["statusCode"]) == (200, 401)
        assert bootstrap.api_deps.cache_info().currsize == 1
    finally:
        bootstrap.api_deps().pool.close()
        bootstrap.api_deps.cache_clear()
        module._handler.cache_clear()
