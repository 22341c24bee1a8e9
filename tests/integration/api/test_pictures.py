"""Profile pictures through the API: avatar_url on chats, participants and message senders, and
GET /api/pictures/{jid} delivering the JPEG as media is delivered (stream or redirect), after the
pictures were ingested as the connector publishes them. Names follow WhatsApp's order."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from deeplens.domain.pictures import picture_key
from deeplens.services.api import ApiDeps
from deeplens.settings import ApiSettings

from tests import factories as f
from tests.integration.api.conftest import CountingStore
from tests.integration.api.test_media import _logged_in
from tests.integration.api.transport import ApiClient, Reply
from tests.unit.domain.test_pictures import picture

Ingest = Callable[[list[dict[str, Any]]], None]
JPEG = b"\xff\xd8\xff\xe0" + b"a face" * 100 + b"\xff\xd9"


@pytest.fixture
def faces(story: None, ingest: Ingest, media_store: CountingStore) -> dict[str, str]:
    """Anna, Bob and the group have pictures (stored, then their events ingested); the community
    has none. Returns the picture id per JID."""
    ids = {jid: uuid.uuid4().hex[:16] for jid in (f.PN, f.BOB_PN, f.GROUP)}
    for jid, picture_id in ids.items():
        media_store.store.put(picture_key(jid, picture_id), JPEG, "application/octet-stream")
    ingest([picture(jid, picture_id, f.T0 + 500) for jid, picture_id in ids.items()])
    return ids


def fetched(client: ApiClient, avatar_url: str, **kwargs: Any) -> Reply:
    parts = urlsplit(avatar_url)
    return client.get(parts.path, params={k: v[0] for k, v in parse_qs(parts.query).items()}, **kwargs)


def test_chat_list_names_each_chat_picture_when_one_is_stored(
    client: ApiClient, faces: dict[str, str]
) -> None:
    chats = {chat["jid"]: chat["avatar_url"] for chat in client.get("/api/chats").json()["items"]}
    assert chats[f.PN] == f"/api/pictures/{f.PN}?v={faces[f.PN]}"
    assert chats[f.GROUP] == f"/api/pictures/{f.GROUP}?v={faces[f.GROUP]}"
    assert chats[f.COMMUNITY] is None  # no picture: the UI shows initials


def test_picture_streams_as_inline_jpeg_with_nosniff_when_its_avatar_url_is_fetched(
    client: ApiClient, faces: dict[str, str]
) -> None:
    [anna] = [c for c in client.get("/api/chats").json()["items"] if c["jid"] == f.PN]
    reply = fetched(client, anna["avatar_url"])
    assert (reply.status, reply.body) == (200, JPEG)
    assert reply.headers["content-type"] == "image/jpeg"  # stored as octet-stream: the row decides
    assert reply.headers["content-disposition"].startswith("inline")
    assert reply.headers["x-content-type-options"] == "nosniff"
    again = fetched(client, anna["avatar_url"], headers={"if-none-match": reply.headers["etag"]})
    assert again.status == 304


def test_group_senders_and_members_carry_their_pictures_when_the_group_is_opened(
    client: ApiClient, faces: dict[str, str]
) -> None:
    messages = client.get(f"/api/chats/{f.GROUP}/messages").json()["items"]
    by_sender = {m["sender_jid"]: m["sender_avatar_url"] for m in messages}
    assert by_sender[f.BOB_PN] == f"/api/pictures/{f.BOB_PN}?v={faces[f.BOB_PN]}"
    assert by_sender[f.ME] is None
    members = {p["jid"]: p["avatar_url"] for p in client.get(f"/api/chats/{f.GROUP}").json()["participants"]}
    assert members[f.BOB_PN] == by_sender[f.BOB_PN] and members[f.ME] is None


def test_picture_answers_404_when_removed_or_never_stored_and_400_when_not_a_jid(
    client: ApiClient, faces: dict[str, str], ingest: Ingest
) -> None:
    ingest([picture(f.PN, None, f.T0 + 900)])
    assert client.get(f"/api/pictures/{f.PN}").status == 404
    assert client.get(f"/api/pictures/{f.COMMUNITY}").status == 404
    bad = client.get("/api/pictures/not-a-jid")
    assert (bad.status, bad.json()["error"]["field"]) == (400, "jid")  # 401 without login: test_auth


def test_picture_of_a_lid_is_found_under_its_phone_jid_when_the_pair_is_known(
    client: ApiClient, faces: dict[str, str]
) -> None:
    assert fetched(client, f"/api/pictures/{f.BOB_LID}").body == JPEG


def test_picture_redirects_to_a_presigned_jpeg_when_delivery_is_redirect(
    make_api_deps: Callable[[ApiSettings], ApiDeps], api_settings: ApiSettings, faces: dict[str, str]
) -> None:
    deps = make_api_deps(api_settings.model_copy(update={"media_delivery": "redirect"}))
    with _logged_in("uvicorn", deps) as client:
        reply = client.get(f"/api/pictures/{f.GROUP}")
        assert (
            reply.status == 302
            and client.get(f"/api/pictures/{f.GROUP}").headers["location"]
            == (
                reply.headers["location"]  # cached
            )
        )
    bucket = httpx.get(reply.headers["location"], timeout=10)
    assert (bucket.content, bucket.headers["content-type"]) == (JPEG, "image/jpeg")


def test_sender_is_named_in_whatsapps_order_when_several_names_are_known(
    client: ApiClient, ingest: Ingest
) -> None:
    people = {
        "4915100000001@s.whatsapp.net": {"full_name": "Book", "push_name": "Push", "business_name": "Biz"},
        "4915100000002@s.whatsapp.net": {"push_name": "Push", "business_name": "Biz"},
        "4915100000003@s.whatsapp.net": {"business_name": "Biz"},
        "4915100000004@s.whatsapp.net": {},
    }
    events = [f.contact(jid, f.T0, **names) for jid, names in people.items() if names]
    events += [
        f.message(f.GROUP, f"N{index}", jid, f.T0 + index, "hi", push_name="Sent As")
        for index, jid in enumerate(people)
    ]
    ingest(events)
    messages = client.get(f"/api/chats/{f.GROUP}/messages").json()["items"]
    names = {m["sender_jid"]: m["sender_name"] for m in messages if m["sender_jid"] in people}
    assert list(map(names.get, people)) == ["Book", "Push", "Biz", "Sent As"]


def test_direct_chat_is_titled_in_whatsapps_order_everywhere_when_its_chat_event_named_it_otherwise(
    client: ApiClient, ingest: Ingest
) -> None:
    people = {  # jid: (the contact's names, the title the chat event carried)
        "4915100000011@s.whatsapp.net": ({"full_name": "Book", "push_name": "Push"}, "Phone title"),
        "4915100000012@s.whatsapp.net": ({"push_name": "Push", "business_name": "Biz"}, "Phone title"),
        "4915100000013@s.whatsapp.net": ({"business_name": "Biz"}, "Phone title"),
        "4915100000014@s.whatsapp.net": ({}, "Phone title"),
        "4915100000015@s.whatsapp.net": ({}, None),
    }
    events = [f.contact(jid, f.T0, **names) for jid, (names, _) in people.items() if names]
    events += [f.chat(jid, "direct", title, f.T0) for jid, (_, title) in people.items()]
    events += [f.message(jid, f"T{n}", jid, f.T0 + n, "zebrafinch") for n, jid in enumerate(people)]
    events += [f.chat(f.GROUP, "group", "Orga", f.T0), f.contact(f.GROUP, f.T0, push_name="Not a title")]
    ingest(events)
    for n, jid in enumerate(people):
        call = f.base("call", f.T0 + 100 + n)
        call.update(
            call_id=f"CT{n}", chat_jid=jid, caller_jid=jid, from_me=False, step="log", at_ms=f.T0 + 100
        )
        call.update(group=False, video=False, result="missed", duration_s=0)
        ingest([call])
    expected = ["Book", "Push", "Biz", "Phone title", None]
    listed = {c["jid"]: c["name"] for c in client.get("/api/chats", params={"limit": 100}).json()["items"]}
    assert [listed[jid] for jid in people] == expected and listed[f.GROUP] == "Orga"
    assert [client.get(f"/api/chats/{jid}").json()["name"] for jid in people] == expected
    tracked = {t["jid"]: t["name"] for t in client.get("/api/tracking").json()}
    assert [tracked[jid] for jid in people] == expected and tracked[f.GROUP] == "Orga"
    hits = {
        h["chat_jid"]: h["chat_name"]
        for h in client.get("/api/search", params={"q": "zebrafinch"}).json()["items"]
    }
    assert [hits[jid] for jid in people] == expected
    calls = {c["chat_jid"]: c["chat_name"] for c in client.get("/api/calls").json()["items"]}
    assert [calls[jid] for jid in people] == expected
