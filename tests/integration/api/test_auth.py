"""Credentials: nothing but health and login without them; cookie, bearer tokens, rate limit."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable

import psycopg
import pytest
from deeplens.domain.errors import Unauthorized
from deeplens.entrypoints.api import make_handler
from deeplens.entrypoints.http.app import create_app
from deeplens.services import auth
from deeplens.services.api import ApiDeps, RecentCredentials
from deeplens.settings import ApiSettings
from pydantic import SecretStr

from tests.integration.api.conftest import PASSWORD
from tests.integration.api.transport import ApiClient, LambdaTransport

PUBLIC = {("GET", "/api/health"), ("POST", "/api/auth/login")}
DUMMY = {"jid": "4915112345678@s.whatsapp.net", "chat": "4915112345678@s.whatsapp.net", "id": "3EB0A1",
         "file_id": "F0000000000000A3", "token_id": "00000000-0000-4000-8000-000000000000"}  # fmt: skip


def test_every_route_answers_401_when_no_credentials_are_sent(
    anonymous: ApiClient, api_deps: ApiDeps
) -> None:
    paths = create_app(api_deps).openapi()["paths"]
    checked = []
    for path, operations in paths.items():
        for method in operations:
            route = (method.upper(), path)
            reply = anonymous.request(method.upper(), re.sub(r"{(\w+)}", lambda m: DUMMY[m[1]], path))
            checked.append(route)
            if route in PUBLIC:
                assert reply.status != 401, route
            else:
                assert reply.status == 401, route
                assert reply.json()["error"]["code"] == "unauthorized"
    assert len(checked) == 37  # 21 + imports (4), exports (3), held history (3), accounts (4), status (1)
    assert anonymous.get("/api/openapi.json").status == 401


def test_openapi_has_a_stable_operation_id_when_listing_every_route(api_deps: ApiDeps) -> None:
    spec = create_app(api_deps).openapi()
    ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids)) == 37  # /api/pictures counted
    assert all(re.fullmatch(r"[a-z_]+", operation_id) for operation_id in ids)
    assert {"HTTPBearer", "APIKeyCookie"} <= set(spec["components"]["securitySchemes"])


def test_login_sets_httponly_strict_cookie_when_password_is_right(anonymous: ApiClient) -> None:
    reply = anonymous.login(PASSWORD)
    assert reply.status == 200
    cookie = next(c for c in reply.set_cookies if c.startswith("dl_session="))
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/"} <= attributes
    # Secure follows the scheme: API Gateway is https only, the uvicorn test server plain http.
    assert ("secure" in attributes) == (anonymous.name == "lambda")
    assert anonymous.get("/api/session").status == 200
    assert anonymous.get("/api/openapi.json").json()["info"]["title"] == "DeepLens-Connect API"


def test_cookie_is_secure_when_configured(
    make_api_deps: Callable[[ApiSettings], ApiDeps], api_settings: ApiSettings
) -> None:
    deps = make_api_deps(api_settings.model_copy(update={"cookie_secure": True}))
    reply = ApiClient(LambdaTransport(make_handler(deps)), "lambda").login(PASSWORD)
    assert "secure" in reply.set_cookies[0].lower().split("; ")


def test_login_refused_without_cookie_when_password_is_wrong(anonymous: ApiClient) -> None:
    reply = anonymous.login("not the password")
    assert reply.status == 401
    assert reply.json()["error"] == {"code": "unauthorized", "message": "wrong password", "field": "password"}
    assert reply.set_cookies == []


def test_login_answers_429_when_attempts_exceed_the_limit(anonymous: ApiClient, api_deps: ApiDeps) -> None:
    for _ in range(api_deps.settings.login_max_attempts):
        assert anonymous.login("wrong password!").status == 401
    reply = anonymous.login(PASSWORD)
    assert reply.status == 429
    assert reply.json()["error"]["code"] == "rate_limited"
    assert 0 < int(reply.headers["retry-after"]) <= api_deps.settings.login_window_seconds


def test_session_ends_when_logging_out(client: ApiClient) -> None:
    assert client.request("POST", "/api/auth/logout").status == 204
    assert client.get("/api/session").status == 401


def test_bearer_token_works_until_revoked_when_created_by_the_admin(client: ApiClient) -> None:
    created = client.request("POST", "/api/auth/tokens", json_body={"name": "backup script"})
    assert created.status == 201
    token = created.json()
    assert token["name"] == "backup script" and token["expires_at"] is None
    client.cookie, client.bearer = None, token["token"]
    assert client.get("/api/chats").status == 200
    assert client.request("DELETE", f"/api/auth/tokens/{token['id']}").status == 204
    assert client.get("/api/chats").status == 401


def test_revocation_elsewhere_takes_effect_within_the_recent_window_when_a_process_remembers_it(
    client: ApiClient, make_api_deps: Callable[[ApiSettings], ApiDeps], api_settings: ApiSettings
) -> None:
    token = client.request("POST", "/api/auth/tokens", json_body={"name": "t"}).json()
    # A second process (its own pool and memory of recent credentials), as a second Lambda instance.
    other = dataclasses.replace(make_api_deps(api_settings), recent=RecentCredentials(ttl_s=0.3))
    elsewhere = ApiClient(LambdaTransport(make_handler(other)), "lambda")
    elsewhere.bearer = token["token"]
    assert elsewhere.get("/api/chats").status == 200  # verified there, and remembered
    assert client.request("DELETE", f"/api/auth/tokens/{token['id']}").status == 204
    time.sleep(0.4)
    assert elsewhere.get("/api/chats").status == 401


def test_revoking_answers_404_when_token_is_unknown(client: ApiClient) -> None:
    reply = client.request("DELETE", "/api/auth/tokens/00000000-0000-4000-8000-000000000000")
    assert reply.status == 404
    assert client.request("DELETE", "/api/auth/tokens/not-a-uuid").json()["error"]["field"] == "token_id"


def test_secrets_are_stored_hashed_when_sessions_and_tokens_are_issued(
    client: ApiClient, database_url: str
) -> None:
    token = client.request("POST", "/api/auth/tokens", json_body={"name": "t", "expires_in_days": 30}).json()
    with psycopg.connect(database_url) as conn:
        stored = conn.execute("SELECT kind, secret_hash FROM api_credentials ORDER BY kind").fetchall()
    assert [kind for kind, _ in stored] == ["session", "token"]
    assert all(len(bytes(digest)) == 32 for _, digest in stored)
    assert token["token"].encode() not in b"".join(bytes(digest) for _, digest in stored)


def test_generated_password_is_stored_hashed_and_accepted_when_none_is_configured(
    make_api_deps: Callable[[ApiSettings], ApiDeps], api_settings: ApiSettings, database_url: str
) -> None:
    deps = make_api_deps(api_settings.model_copy(update={"admin_password": None}))
    password = auth.ensure_admin_password(deps)
    assert password is not None and len(password) >= 24
    assert auth.ensure_admin_password(deps) is None  # shown once only
    with psycopg.connect(database_url) as conn:
        (stored,) = conn.execute("SELECT password_hash FROM api_admin").fetchone() or ("",)
    assert stored.startswith("scrypt$") and password not in stored
    assert auth.login(deps, password, "203.0.113.9").secret
    with pytest.raises(Unauthorized):
        auth.login(deps, "something else entirely", "203.0.113.9")


def test_configured_hash_is_accepted_when_admin_password_hash_is_set(
    make_api_deps: Callable[[ApiSettings], ApiDeps], api_settings: ApiSettings
) -> None:
    update = {
        "admin_password": None,
        "admin_password_hash": SecretStr(auth.hash_password("a long passphrase")),
    }
    deps = make_api_deps(api_settings.model_copy(update=update))
    assert auth.ensure_admin_password(deps) is None
    assert auth.login(deps, "a long passphrase", "203.0.113.10").credential["kind"] == "session"
