"""Profile pictures fetched as the live connector does: neonize faked at its boundary (the client's
get_profile_picture, answering with real neonize protos and errors), the picture downloaded over
HTTPS from a loopback server standing in for WhatsApp's CDN, stored in the test stack's bucket."""

from __future__ import annotations

import http.server
import random
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from deeplens.adapters.object_store import ObjectStore
from deeplens.domain.envelope import PictureChanged, dump_event
from deeplens.domain.errors import TransientError
from deeplens_connector.pictures import (
    MAX_PICTURE_BYTES,
    Ask,
    PictureFetcher,
    PictureUnavailable,
    TokenBucket,
    ask_picture,
    download_picture,
)
from deeplens_connector.translate.pictures import PictureChange
from neonize.client import NewClient
from neonize.exc import GetProfilePictureError
from neonize.proto import Neonize_pb2 as N

from tests.e2e.tls_proxy import make_certificate
from tests.golden.goldens import load_golden
from tests.unit.connector import golden_events as story
from tests.unit.connector.neonize_fixtures import empty_jid, feed, jid

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8 + b"\xff\xd9"
NOT_SET = "that user or group does not have a profile picture"


class Cdn:
    """WhatsApp's CDN on loopback: serves `files` over HTTPS and counts the GETs."""

    def __init__(self, folder: Path) -> None:
        certificate = make_certificate(folder, "localhost")
        self.client_context = ssl.create_default_context(cafile=str(certificate.cert))
        self.files: dict[str, bytes] = {}
        self.hits: list[str] = []
        cdn = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                cdn.hits.append(self.path)
                body = cdn.files.get(self.path.split("?")[0])
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *_: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate.cert, certificate.key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"https://localhost:{self.server.server_address[1]}{path}?ccb=11-4&oh=01_Q5A"

    def download(self, url: str) -> bytes:
        return download_picture(url, context=self.client_context)


class FakeWhatsApp:
    """neonize's client as far as pictures go: real ProfilePictureInfo answers and real
    GetProfilePictureError (carrying the return proto, as neonize 0.5.2 raises it)."""

    def __init__(self) -> None:
        self.pictures: dict[str, tuple[str, str] | str] = {}  # jid -> (id, url) or whatsmeow's error
        self.asked: list[tuple[str, Any]] = []

    def get_profile_picture(self, jid_proto: Any, params: Any) -> Any:
        who = f"{jid_proto.User}@{jid_proto.Server}"
        self.asked.append((who, params))
        answer = self.pictures[who]
        if isinstance(answer, str):
            raise GetProfilePictureError(N.GetProfilePictureReturnFunction(Error=answer))
        picture_id, url = answer
        if params.ExistingID == picture_id:
            return N.ProfilePictureInfo()  # whatsmeow: (nil, nil), neonize: an empty message
        return N.ProfilePictureInfo(URL=url, ID=picture_id, Type="image", DirectPath="/v/t61/x.jpg")


@pytest.fixture
def cdn(tmp_path: Path) -> Iterator[Cdn]:
    server = Cdn(tmp_path)
    yield server
    server.server.shutdown()
    server.server.server_close()


def a_person() -> str:
    return f"4915{random.randrange(10**9, 10**10)}@s.whatsapp.net"  # own keys in the shared bucket


def fetcher(
    whatsapp: FakeWhatsApp, cdn: Cdn, store: ObjectStore, out: list[Any], **kw: Any
) -> PictureFetcher:
    return PictureFetcher(
        lambda who, known: ask_picture(whatsapp, who, known),
        cdn.download,
        store,
        out.append,
        session="primary_agent",
        bucket=kw.pop("bucket", TokenBucket(600, 5)),
        clock=kw.pop("clock", lambda: 1_764_001_311.5),
        **kw,
    )


def test_picture_is_stored_and_published_when_a_tracked_chat_names_its_jid(
    cdn: Cdn, media_store: ObjectStore
) -> None:
    whatsapp, out, who = FakeWhatsApp(), [], a_person()
    cdn.files["/pp/1.jpg"] = JPEG
    whatsapp.pictures[who] = ("1764001310", cdn.url("/pp/1.jpg"))
    event = fetcher(whatsapp, cdn, media_store, out).fetch(Ask(who))
    assert out == [event] and event is not None
    assert (event.picture_id, event.key) == ("1764001310", f"profile/{who}/1764001310.jpg")
    assert media_store.get(event.key) == JPEG
    assert media_store.content_type(event.key) == "image/jpeg"
    [(asked, params)] = whatsapp.asked  # every parameter set: neonize drops them all otherwise
    assert (asked, params.Preview, params.ExistingID, params.IsCommunity) == (who, False, "", False)
    assert all(params.HasField(name) for name in ("Preview", "ExistingID", "IsCommunity"))


def test_group_picture_change_publishes_the_golden_when_bob_changes_it(
    cdn: Cdn, media_store: ObjectStore
) -> None:
    whatsapp, out = FakeWhatsApp(), []
    group = story.GROUP_JID
    cdn.files["/pp/group.jpg"] = JPEG
    whatsapp.pictures[group] = (story.GROUP_PICTURE_ID, cdn.url("/pp/group.jpg"))
    pictures = fetcher(whatsapp, cdn, media_store, out)
    pictures.want(group)
    change = PictureChange(group, story.BOB_JID, story.T0 + 1_310_000, removed=False)
    event = pictures.fetch(Ask(group, change))
    assert event is not None and dump_event(event) == load_golden("picture")


def test_known_picture_is_not_downloaded_again_when_asked_again_or_by_the_next_process(
    cdn: Cdn, media_store: ObjectStore
) -> None:
    whatsapp, out, who = FakeWhatsApp(), [], a_person()
    cdn.files["/pp/2.jpg"] = JPEG
    whatsapp.pictures[who] = ("1764002000", cdn.url("/pp/2.jpg"))
    first = fetcher(whatsapp, cdn, media_store, out)
    first.fetch(Ask(who))
    assert first.fetch(Ask(who)) is None  # asked with ExistingID: WhatsApp says unchanged
    assert whatsapp.asked[-1][1].ExistingID == "1764002000"
    again = fetcher(whatsapp, cdn, media_store, out)  # a restarted connector: knows nothing yet
    republished = again.fetch(Ask(who))
    assert republished is not None and republished.picture_id == "1764002000"
    assert len(cdn.hits) == 1 and (first.fetched, again.fetched) == (1, 0)  # the bucket had it


class NoListBucket:
    """The media bucket as the connector's AWS role sees it: a HEAD of a missing key is a 403."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store

    def exists(self, key: str) -> bool:
        if not self.store.exists(key):
            raise TransientError(f"S3 403 on {key}")
        return True

    def put(self, key: str, body: bytes, content_type: str, metadata: dict[str, str] | None = None) -> str:
        return self.store.put(key, body, content_type, metadata)


def test_picture_is_downloaded_when_the_bucket_answers_403_for_a_missing_key(
    cdn: Cdn, media_store: ObjectStore
) -> None:
    whatsapp, out, who = FakeWhatsApp(), [], a_person()
    cdn.files["/pp/aws.jpg"] = JPEG
    whatsapp.pictures[who] = ("1764005000", cdn.url("/pp/aws.jpg"))
    event = fetcher(whatsapp, cdn, NoListBucket(media_store), out).fetch(Ask(who))  # type: ignore[arg-type]
    assert event is not None and media_store.get(f"profile/{who}/1764005000.jpg") == JPEG
    again = fetcher(whatsapp, cdn, NoListBucket(media_store), out).fetch(Ask(who))  # type: ignore[arg-type]
    assert again is not None and len(cdn.hits) == 1  # stored: HEAD answers 200, no second download


def test_no_picture_is_published_as_none_when_whatsapp_says_it_is_not_set(
    cdn: Cdn, media_store: ObjectStore
) -> None:
    whatsapp, out, who = FakeWhatsApp(), [], a_person()
    whatsapp.pictures[who] = NOT_SET
    pictures = fetcher(whatsapp, cdn, media_store, out)
    event = pictures.fetch(Ask(who))
    assert event is not None and (event.picture_id, event.key) == (None, None)
    assert pictures.fetch(Ask(who)) is None and len(out) == 1  # still none: nothing new to say


def test_nothing_is_published_when_the_download_is_not_a_jpeg_or_too_large(
    cdn: Cdn, media_store: ObjectStore
) -> None:
    whatsapp, out, who = FakeWhatsApp(), [], a_person()
    cdn.files["/pp/page.jpg"] = b"<html><script>alert(1)</script></html>"
    cdn.files["/pp/huge.jpg"] = JPEG[:3] + bytes(MAX_PICTURE_BYTES)
    pictures = fetcher(whatsapp, cdn, media_store, out)
    for path, reason in (("/pp/page.jpg", "not a JPEG"), ("/pp/huge.jpg", "larger than")):
        whatsapp.pictures[who] = (path.split("/")[-1].split(".")[0], cdn.url(path))
        with pytest.raises(PictureUnavailable, match=reason):
            pictures.fetch(Ask(who))
    assert out == [] and not media_store.exists(f"profile/{who}/page.jpg")


def test_download_is_refused_when_the_url_is_not_https(cdn: Cdn) -> None:
    with pytest.raises(PictureUnavailable, match="not an https URL"):
        download_picture(cdn.url("/pp/1.jpg").replace("https://", "http://"))


def test_removal_is_published_at_once_and_a_new_picture_fetched_when_picture_events_arrive(
    cdn: Cdn, media_store: ObjectStore
) -> None:
    """PictureEv through neonize's own dispatcher, the fetcher's thread doing the asking."""
    whatsapp, out, who = FakeWhatsApp(), [], a_person()
    cdn.files["/pp/3.jpg"] = JPEG
    whatsapp.pictures[who] = ("1764003000", cdn.url("/pp/3.jpg"))
    pictures = fetcher(whatsapp, cdn, media_store, out).start()
    client = NewClient("unused", uuid="picture-test")
    client.event(N.Picture)(lambda _c, ev: pictures.changed(ev))
    stranger = a_person()
    pictures.want(who)
    _wait_for(out, 1)
    user, server = who.split("@")
    feed(client, N.Picture(JID=jid(user, server), Author=empty_jid(), Timestamp=1_764_003_100, Remove=True))
    feed(client, N.Picture(JID=jid(stranger.split("@")[0]), Author=empty_jid(), Timestamp=1, Remove=True))
    _wait_for(out, 2)
    pictures.close()
    first, removed = out
    assert (first.picture_id, removed.picture_id) == ("1764003000", None)
    assert removed.changed_at_ms == 1_764_003_100_000
    assert [asked for asked, _ in whatsapp.asked] == [who]  # the stranger is no one's tracked chat


def test_failed_fetch_is_asked_again_when_a_tracked_chat_names_the_jid_again(
    cdn: Cdn, media_store: ObjectStore
) -> None:
    whatsapp, out, who = FakeWhatsApp(), [], a_person()
    whatsapp.pictures[who] = ("1764004000", cdn.url("/pp/not-yet.jpg"))  # the CDN answers 404
    pictures = fetcher(whatsapp, cdn, media_store, out).start()
    pictures.want(who)
    assert pictures.wait_idle(10) and out == [] and len(cdn.hits) == 1
    cdn.files["/pp/not-yet.jpg"] = JPEG
    pictures.want(who)
    assert pictures.wait_idle(10) and [event.picture_id for event in out] == ["1764004000"]
    pictures.want(who)  # known now: not asked again
    assert pictures.wait_idle(10) and len(whatsapp.asked) == 2
    pictures.close()


def test_asks_wait_for_tokens_when_more_come_than_the_rate_allows() -> None:
    now = [0.0]
    bucket = TokenBucket(per_minute=20, burst=5, clock=lambda: now[0])
    assert [bucket.delay() for _ in range(5)] == [0.0] * 5
    assert bucket.delay() == pytest.approx(3.0)  # 20 a minute: one every 3 s
    now[0] = 3.0
    assert bucket.delay() == 0.0
    now[0] = 600.0  # a long idle time saves up no more than the burst
    assert [bucket.delay() for _ in range(6)][-1] > 0


def _wait_for(out: list[PictureChanged], count: int, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while len(out) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(out) >= count, out
