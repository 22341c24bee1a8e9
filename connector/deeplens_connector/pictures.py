"""Profile pictures of the people and chats of tracked chats, fetched lazily at a bounded rate.

The pipeline names the chats and senders of tracked chats' messages (`want`); neonize's PictureEv
says a picture changed (`changed`). One thread asks WhatsApp for the current picture
(`get_profile_picture`, at most `per_minute` asks, a token bucket), downloads it from WhatsApp's
CDN (a plain HTTPS GET: profile pictures are not encrypted) into the media bucket at
`profile/{jid}/{picture_id}.jpg` unless that object is already there, and publishes a `picture`
event. Each JID is asked once per process unless its picture changes; a removal is published at
once. neonize 0.5.2 (checked against its source, docs/neonize.md): the parameters reach whatsmeow
only when all three are set (else it drops them), an unchanged picture (`ExistingID`) comes back
as an empty ProfilePictureInfo, and a failure raises GetProfilePictureError carrying the return
proto rather than a message.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import ssl
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.domain.envelope import PictureChanged
from deeplens.domain.errors import TransientError
from deeplens.domain.pictures import PICTURE_MIME, picture_key, valid_picture_id
from neonize.events import PictureEv
from neonize.exc import GetProfilePictureError
from neonize.proto.Neonize_pb2 import (
    GetProfilePictureParams,
    GetProfilePictureReturnFunction,
    ProfilePictureInfo,
)

from deeplens_connector.session.client import guarded
from deeplens_connector.settings import ConnectorSettings
from deeplens_connector.translate.jids import jid_proto
from deeplens_connector.translate.pictures import PictureChange, picture_change, picture_event

log = logging.getLogger("deeplens.connector.pictures")
MAX_PICTURE_BYTES = 5 * 1024 * 1024  # WhatsApp's full-size pictures are 640 px, tens of KB
DOWNLOAD_TIMEOUT_S = 15.0
_JPEG_MAGIC = b"\xff\xd8\xff"
_NO_PICTURE = ("does not have a profile picture", "hidden their profile picture")
_ASKED_BOUND = 50_000  # JIDs remembered as asked; past it the memory starts again
BURST = 5  # asks saved up while idle


class PictureUnavailable(Exception):
    """The picture could not be downloaded or is not a JPEG."""


class Store(Protocol):
    def exists(self, key: str) -> bool: ...
    def put(
        self, key: str, body: bytes, content_type: str, metadata: dict[str, str] | None = None
    ) -> str: ...


class TokenBucket:
    """`per_minute` tokens a minute, at most `burst` saved up."""

    def __init__(self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._tokens = float(burst)
        self._clock = clock
        self._at = clock()

    def delay(self) -> float:
        """Seconds until a token is there (0: take it now, it is taken)."""
        now = self._clock()
        self._tokens = min(self._burst, self._tokens + (now - self._at) * self._rate)
        self._at = now
        if self._tokens >= 1:
            self._tokens -= 1
            return 0.0
        return (1 - self._tokens) / self._rate


@dataclass(frozen=True)
class Ask:
    jid: str
    change: PictureChange | None = None  # set: a PictureEv said it changed


def download_picture(url: str, *, context: ssl.SSLContext | None = None) -> bytes:
    """The JPEG at `url` (HTTPS only, at most MAX_PICTURE_BYTES)."""
    if urlsplit(url).scheme != "https":
        raise PictureUnavailable(f"not an https URL: {url[:60]!r}")
    request = urllib.request.Request(url, headers={"User-Agent": "DeepLens-Connect"})
    with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_S, context=context) as response:
        data: bytes = response.read(MAX_PICTURE_BYTES + 1)
    if len(data) > MAX_PICTURE_BYTES:
        raise PictureUnavailable(f"picture larger than {MAX_PICTURE_BYTES} bytes")
    if not data.startswith(_JPEG_MAGIC):
        raise PictureUnavailable("not a JPEG")
    return data


def no_picture(error: BaseException) -> bool:
    """whatsmeow's "not set" / "hidden from you" (the error carries the return proto's Error)."""
    detail = getattr(error.args[0], "Error", None) if error.args else None
    text = str(detail if detail is not None else error)
    return any(phrase in text for phrase in _NO_PICTURE)


class PictureFetcher:
    """One thread; `want` and `changed` never block (a full queue drops the ask, logged)."""

    def __init__(
        self,
        ask: Callable[[str, str], Any],  # (jid, known picture id or "") -> ProfilePictureInfo
        download: Callable[[str], bytes],
        store: Store,
        publish: Callable[[PictureChanged], None],
        *,
        session: str,
        bucket: TokenBucket,
        clock: Callable[[], float] = time.time,
        queue_size: int = 2000,
    ) -> None:
        self._ask, self._download, self._store, self._publish = ask, download, store, publish
        self._session = session
        self._bucket = bucket
        self._clock = clock
        self._queue: queue.Queue[Ask | None] = queue.Queue(maxsize=queue_size)
        self._idle = threading.Condition()
        self._asked: set[str] = set()
        self._known: dict[str, str] = {}  # jid -> the picture id this process published ("" = none)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pictures", daemon=True)
        self.fetched = 0

    def start(self) -> PictureFetcher:
        self._thread.start()
        return self

    def close(self, timeout_s: float = 5.0) -> None:
        """Asks still waiting are dropped: they are asked again by the next process."""
        self._stop.set()
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(None)
        self._thread.join(timeout_s)

    def want(self, *jids: str | None) -> None:
        """Chats and people of tracked chats: each asked once per process."""
        for jid in jids:
            if jid and jid not in self._asked:
                if len(self._asked) >= _ASKED_BOUND:
                    self._asked.clear()
                self._asked.add(jid)
                self._offer(Ask(jid))

    def changed(self, ev: Any) -> None:
        """neonize's PictureEv (callback thread): a removal is published, a new picture asked for
        when the JID is one this process wants."""
        change = picture_change(ev)
        if change.jid not in self._asked:
            return
        self._offer(Ask(change.jid, change))

    def _offer(self, ask: Ask) -> None:
        try:
            self._queue.put_nowait(ask)
        except queue.Full:
            log.warning("picture ask dropped: queue full", extra={"jid": ask.jid})

    def wait_idle(self, timeout_s: float) -> bool:
        """True once every ask so far was answered (a replay's end), False after `timeout_s`."""
        with self._idle:
            return self._idle.wait_for(lambda: self._queue.unfinished_tasks == 0, timeout_s)

    def _run(self) -> None:
        while (ask := self._queue.get()) is not None:
            if (ask.change is None or not ask.change.removed) and not self._wait_for_token():
                return
            try:
                self.fetch(ask)
            except Exception as error:  # e.g. rate-overlimit, the CDN down: asked again when named again
                self._asked.discard(ask.jid)
                log.warning("picture not fetched", extra={"jid": ask.jid, "error": str(error)})
            with self._idle:
                self._queue.task_done()
                self._idle.notify_all()

    def _wait_for_token(self) -> bool:
        while (delay := self._bucket.delay()) > 0:
            if self._stop.wait(delay):
                return False
        return not self._stop.is_set()

    def fetch(self, ask: Ask) -> PictureChanged | None:
        """The `picture` event published for one ask, or None (unchanged, or not fetched)."""
        now_ms = int(self._clock() * 1000)
        author = ask.change.author if ask.change else None
        if ask.change is not None and ask.change.removed:
            return self._published(ask.jid, None, now_ms, author, ask.change.at_ms)
        picture_id = self._current(ask.jid)
        if picture_id is None or picture_id == self._known.get(ask.jid):
            return None  # unchanged
        return self._published(ask.jid, picture_id or None, now_ms, author, None)

    def _current(self, jid: str) -> str | None:
        """The picture id now ("" = no picture), its JPEG stored; None = unchanged since known."""
        known = self._known.get(jid) or ""
        try:
            info = self._ask(jid, known)
        except Exception as error:
            if no_picture(error):
                return ""
            raise
        if not info.ID:
            return None  # whatsmeow: the known id is still current
        if not valid_picture_id(info.ID):
            raise PictureUnavailable(f"unexpected picture id {info.ID[:40]!r}")
        key = picture_key(jid, info.ID)
        if not self._stored(key):  # a picture id once stored is never downloaded again
            self._store.put(key, self._download(info.URL), PICTURE_MIME)
            self.fetched += 1
        return str(info.ID)

    def _stored(self, key: str) -> bool:
        """Whether the bucket has the object. S3 answers a HEAD of a missing key with 403 to a role
        without s3:ListBucket (the connector's on AWS): counted as missing, so it is downloaded."""
        try:
            return self._store.exists(key)
        except TransientError:
            return False

    def _published(
        self, jid: str, picture_id: str | None, now_ms: int, author: str | None, at_ms: int | None
    ) -> PictureChanged:
        event = picture_event(
            jid, picture_id, session=self._session, now_ms=now_ms, changed_at_ms=at_ms, author=author
        )
        self._publish(event)
        self._known[jid] = picture_id or ""
        return event


def ask_picture(client: Any, jid: str, existing_id: str) -> Any:
    """whatsmeow's GetProfilePictureInfo: the full-size picture, or an empty one when `existing_id`
    is still current. All three parameters set: neonize passes none of them when one is unset."""
    params = GetProfilePictureParams(Preview=False, ExistingID=existing_id, IsCommunity=False)
    return client.get_profile_picture(jid_proto(jid), params)


def make_fetcher(
    settings: ConnectorSettings, client: Any, publish: Callable[[PictureChanged], None]
) -> PictureFetcher | None:
    """The live connector's fetcher, listening to PictureEv (registered before connect()); None
    when CONNECTOR_PICTURES_PER_MINUTE is 0."""
    if settings.connector_pictures_per_minute == 0:
        return None
    fetcher = PictureFetcher(
        lambda jid, known: ask_picture(client, jid, known),
        download_picture,
        ObjectStore(make_s3_client(settings), settings.minio_bucket),
        publish,
        session=settings.session_id,
        bucket=TokenBucket(settings.connector_pictures_per_minute, BURST),
    )
    client.event(PictureEv)(guarded("picture", lambda _client, ev: fetcher.changed(ev)))
    return fetcher.start()


class RecordedPictures:
    """A replay's WhatsApp and CDN: the pictures a recording carries (bucket key -> JPEG); every
    other JID has none, as whatsmeow would say."""

    def __init__(self, pictures: dict[str, bytes]) -> None:
        self._files = pictures
        self._ids = {key.split("/")[1]: key.split("/")[2].removesuffix(".jpg") for key in pictures}

    def ask(self, jid: str, known: str) -> Any:
        picture_id = self._ids.get(jid)
        if picture_id is None:
            raise GetProfilePictureError(GetProfilePictureReturnFunction(Error=_NO_PICTURE[0]))
        if picture_id == known:
            return ProfilePictureInfo()
        return ProfilePictureInfo(ID=picture_id, URL=picture_key(jid, picture_id))

    def download(self, url: str) -> bytes:
        return self._files[url]


def recorded_fetcher(
    settings: ConnectorSettings, recording: object, publish: Callable[[PictureChanged], None]
) -> PictureFetcher | None:
    """A replay's fetcher, answering from the recording (None when it carries no pictures): the
    same path as live, without WhatsApp and without a rate to keep."""
    pictures: dict[str, bytes] = getattr(recording, "pictures", None) or {}
    if not pictures:
        return None
    recorded = RecordedPictures(pictures)
    return PictureFetcher(
        recorded.ask,
        recorded.download,
        ObjectStore(make_s3_client(settings), settings.minio_bucket),
        publish,
        session=settings.session_id,
        bucket=TokenBucket(60_000, 1_000),
    ).start()
