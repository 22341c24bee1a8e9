"""Tracking admin: every detected chat with its flags; a change reaches the connector via Redis."""

from __future__ import annotations

import json

import pytest
from deeplens.adapters.cache import make_redis
from deeplens.services.api import ApiDeps
from deeplens.services.tracking import tracking_key

from tests import factories as f
from tests.integration.api.transport import ApiClient

pytestmark = pytest.mark.usefixtures("story")


def test_every_detected_chat_is_listed_with_counts_when_tracking_is_asked(client: ApiClient) -> None:
    items = {item["jid"]: item for item in client.get("/api/tracking").json()}
    assert set(items) == {f.GROUP, f.COMMUNITY, f.PN}
    assert (items[f.PN]["kind"], items[f.PN]["message_count"], items[f.PN]["name"]) == (
        "direct",
        4,
        "Anna Schmidt",
    )
    assert items[f.GROUP]["last_activity"] == f.T0 + 390
    assert items[f.COMMUNITY]["message_count"] == 0


def test_list_holds_one_kind_when_kind_is_given(client: ApiClient) -> None:
    assert [item["jid"] for item in client.get("/api/tracking", params={"kind": "group"}).json()] == [f.GROUP]
    assert client.get("/api/tracking", params={"kind": "nonsense"}).status == 422


def test_flags_change_in_database_and_redis_when_patched(client: ApiClient, api_deps: ApiDeps) -> None:
    key = tracking_key(f.SESSION, f.GROUP)
    api_deps.cache.delete(key)
    reply = client.request("PATCH", f"/api/tracking/{f.GROUP}", json_body={"is_tracked": False})
    assert reply.status == 200
    assert (reply.json()["is_tracked"], reply.json()["jid"]) == (False, f.GROUP)
    assert json.loads(api_deps.cache.get(key) or "") == {"is_tracked": False, "auto_download_media": True}
    assert make_redis(api_deps.settings).ttl(key) == -1  # no expiry: the connector's source of truth
    client.request("PATCH", f"/api/tracking/{f.GROUP}", json_body={"auto_download_media": False})
    listed = {i["jid"]: i for i in client.get("/api/tracking").json()}[f.GROUP]
    assert (listed["is_tracked"], listed["auto_download_media"]) == (False, False)


def test_patch_by_lid_changes_the_phone_jid_chat_when_alias_is_known(client: ApiClient) -> None:
    reply = client.request("PATCH", f"/api/tracking/{f.LID}", json_body={"auto_download_media": False})
    assert (reply.status, reply.json()["jid"]) == (200, f.PN)


@pytest.mark.parametrize(
    ("jid", "body", "status", "field"),
    [
        ("4900000000000@s.whatsapp.net", {"is_tracked": True}, 404, "jid"),
        (f.GROUP, {}, 400, "is_tracked"),
        (f.GROUP, {"is_tracked": "maybe"}, 422, "is_tracked"),
        (f.GROUP, {"is_tracked": True, "colour": "red"}, 422, "colour"),
        ("no-jid", {"is_tracked": True}, 400, "jid"),
    ],
)
def test_patch_is_refused_naming_the_field_when_input_is_wrong(
    client: ApiClient, jid: str, body: dict[str, object], status: int, field: str
) -> None:
    reply = client.request("PATCH", f"/api/tracking/{jid}", json_body=body)
    assert (reply.status, reply.json()["error"]["field"]) == (status, field)


def test_patch_answers_422_when_body_is_not_json(client: ApiClient) -> None:
    reply = client.transport.send(
        "PATCH",
        f"/api/tracking/{f.GROUP}",
        {},
        b"{nope",
        {"content-type": "application/json", "cookie": client.cookie or ""},
    )
    assert (reply.status, reply.json()["error"]["code"]) == (422, "invalid_request")
