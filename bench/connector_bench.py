"""Connector benchmark: messages/s from the first neonize event fed to the last batch acknowledged
by SQS, and the peak RSS while replaying a 50,000-message history sync, through the real path
(neonize dispatcher -> translate -> tracking -> media -> publisher -> spool -> s3rver + moto).

    .venv/bin/python bench/connector_bench.py [--history 50000] [--live 5000] [--chats 400]
        [--repeat 3] [--only full ...] [--baseline-rev HEAD]   # before/after a connector change

A recording (the connector's replay format) is generated first: several HistorySync chunks (many
conversations, text mostly, quotes and link previews, media descriptors with no bytes or with a
few KiB, reactions kept on their messages, push names, LID mappings), then live MessageEv events
(texts, reactions, media). Each variant runs in its own child process (its peak RSS is its own):

- dispatcher only: the recording through neonize's dispatcher (ctypes + proto parsing), no handler work
- translate only:  dispatcher -> translate_* and the media refs, no I/O
- publisher only:  pre-translated envelopes straight into Publisher (spool, S3 events bucket, SQS)
- full path:       what `python -m deeplens_connector replay` does (runtime.build + replay_into),
                   with Redis + PostgreSQL tracking lookups and media uploads to s3rver

Each published run gets its own session and queue; afterwards every SQS pointer is read (and its
batch object when the events are not inline) to check that every message arrived exactly once.
Peak RSS is the child's VmHWM (its ru_maxrss starts at the parent's RSS on Linux). The process is
bound by one GIL: CPU seconds are shown beside wall time, which is noisy on a shared machine.
Figures are printed; nothing is asserted (speed is not a test).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from deeplens.domain.batch import decode_batch, decode_pointer
from devstack.config import StackConfig
from devstack.databases import create_database, drop_database
from devstack.resources import s3_client, sqs_client
from devstack.stack import up

TARGET_RATE = 5_000  # messages/s, issue 4
TARGET_RSS_MB = 300
ME = "4917000000001"
T0_MS = 1_764_000_000_000  # 2025-11-24T16:00:00Z: the live events; history goes back from here
WORDS = (
    "hallo wie geht es dir heute morgen treffen wir uns um zehn im büro okay super danke hola qué tal",
    "nos vemos mañana sim obrigado até logo the report is ready please review meeting lunch pizza",
    "sushi photo video call later tomorrow tonight weekend नमस्ते धन्यवाद 😂 👍 🎉 ❤️",
)
VOCABULARY = " ".join(WORDS).split(" ")
EMOJI = ("👍", "❤️", "😂", "😮", "😢", "🙏")
MODES = ("dispatch", "translate", "publisher", "full")
PUBLISHED = ("publisher", "full")
LABELS = {
    "dispatch": "dispatcher only (ctypes + proto parse, no handler work)",
    "translate": "translate only (dispatcher -> translate_*, no I/O)",
    "publisher": "publisher only (pre-translated -> spool -> S3 + SQS)",
    "full": "full path (replay -> ... -> last batch acked by SQS)",
}
GENERATION = (
    "history",
    "chunk",
    "live",
    "chats",
    "media_share",
    "stored_media_share",
    "reaction_share",
    "seed",
)
LIVE_MEDIA_TYPES = {"imageMessage": "image", "audioMessage": "ptt", "videoMessage": "video",
                    "documentMessage": "document", "stickerMessage": "sticker"}  # fmt: skip
MEDIA_KINDS = (("image", 60), ("voice", 15), ("video", 10), ("document", 10), ("sticker", 5))


# --- the recording ------------------------------------------------------------------------------


@dataclass
class Expected:
    """What the recording must become: every message id once, and the other envelopes by kind."""

    message_ids: set[str] = field(default_factory=set)
    kinds: Counter[str] = field(default_factory=Counter)
    stored_media: int = 0  # media whose bytes are in the recording (the rest: unavailable)
    source_events: int = 0
    chunks: int = 0
    size_bytes: int = 0


@dataclass(frozen=True)
class Chat:
    jid: str
    group: bool
    members: tuple[str, ...]  # phone numbers (groups), or the contact's own number
    name: str


class Generator:
    """Deterministic synthetic account: `chats` conversations with Zipf-like sizes."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.rng = random.Random(args.seed)
        self.blobs = [self.rng.randbytes(self.rng.randint(600, 4000)) for _ in range(16)]
        chats = min(args.chats, args.history)
        self.chats = [self._chat(index) for index in range(chats)]
        weights = [1 / (rank + 1) ** 0.9 for rank in range(chats)]
        self.per_chat = self._split(args.history, weights)
        self.expected = Expected()
        self.media_files: list[tuple[str, bytes]] = []
        self.serial = 0
        self.recent: list[tuple[Chat, str, str, bool]] = []  # (chat, id, sender number, from_me)

    def _chat(self, index: int) -> Chat:
        rng = self.rng
        if index % 4 == 1:
            members = tuple(f"4917{rng.randrange(10**8):08d}" for _ in range(rng.randint(3, 40)))
            return Chat(f"120363{index:012d}@g.us", True, members, f"Group {index} {rng.choice(VOCABULARY)}")
        number = f"4915{index:09d}"
        return Chat(f"{number}@s.whatsapp.net", False, (number,), f"Contact {index}")

    def _split(self, total: int, weights: list[float]) -> list[int]:
        scale = total / sum(weights)
        counts = [max(1, int(w * scale)) for w in weights]
        counts[0] += total - sum(counts)  # the busiest chat takes the rounding
        return counts

    def message_id(self) -> str:
        self.serial += 1
        return f"3EB0{self.serial:016X}"

    def text(self) -> str:
        return " ".join(self.rng.choices(VOCABULARY, k=self.rng.choice((2, 3, 5, 8, 12, 20, 40))))

    def content(self, chat: Chat, msg_id: str) -> tuple[Any, str]:
        """A waE2E.Message and what it is: text mostly, some replies/links, some media."""
        from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E

        roll = self.rng.random()
        if roll < self.args.media_share:
            return self.media(chat, msg_id), "media"
        if roll < self.args.media_share + 0.08 and self.recent:
            quoted_chat, quoted_id, quoted_sender, _ = self.rng.choice(self.recent[-50:])
            context = E2E.ContextInfo(
                stanzaID=quoted_id,
                participant=f"{quoted_sender}@s.whatsapp.net",
                quotedMessage=E2E.Message(conversation=self.text()),
            )
            if quoted_chat.jid != chat.jid:
                context.remoteJID = quoted_chat.jid
            return E2E.Message(extendedTextMessage=E2E.ExtendedTextMessage(
                text=self.text(), contextInfo=context)), "reply"  # fmt: skip
        if roll < self.args.media_share + 0.11:
            url = f"https://example.org/article/{msg_id.lower()}"
            return E2E.Message(extendedTextMessage=E2E.ExtendedTextMessage(
                text=f"{self.text()} {url}", matchedText=url, title="An article", description=self.text(),
                JPEGThumbnail=self.rng.choice(self.blobs)[:900])), "link"  # fmt: skip
        return E2E.Message(conversation=self.text()), "text"

    def media(self, chat: Chat, msg_id: str) -> Any:
        from deeplens_connector.sample.protos import media_fields
        from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E

        kind = self.rng.choices([k for k, _ in MEDIA_KINDS], [w for _, w in MEDIA_KINDS])[0]
        path = f"/v/t62.7118-24/bench_{chat.jid.split('@')[0]}_{msg_id}.enc"
        stored = self.rng.random() < self.args.stored_media_share
        data = self.rng.choice(self.blobs) if stored else hashlib.sha256(path.encode()).digest() * 2000
        if stored:
            self.media_files.append((path, data))
            self.expected.stored_media += 1
        fields = media_fields(data, path)
        thumbnail = {"JPEGThumbnail": self.rng.choice(self.blobs)[:1500]} if self.rng.random() < 0.6 else {}
        if kind == "image":
            return E2E.Message(imageMessage=E2E.ImageMessage(
                mimetype="image/jpeg", caption=self.text() if self.rng.random() < 0.3 else None,
                width=1280, height=960, **thumbnail, **fields))  # fmt: skip
        if kind == "voice":
            return E2E.Message(audioMessage=E2E.AudioMessage(
                mimetype="audio/ogg; codecs=opus", seconds=self.rng.randint(2, 90), PTT=True,
                **fields))  # fmt: skip
        if kind == "video":
            return E2E.Message(videoMessage=E2E.VideoMessage(
                mimetype="video/mp4", seconds=self.rng.randint(3, 60), width=720, height=1280, **thumbnail,
                **fields))  # fmt: skip
        if kind == "document":
            return E2E.Message(documentMessage=E2E.DocumentMessage(
                mimetype="application/pdf", fileName=f"report-{msg_id[-6:]}.pdf", pageCount=3, **thumbnail,
                **fields))  # fmt: skip
        return E2E.Message(stickerMessage=E2E.StickerMessage(mimetype="image/webp", **fields))

    def sender(self, chat: Chat) -> tuple[str, bool]:
        """(phone number, from_me): a third of the messages are our own."""
        if self.rng.random() < 0.33:
            return ME, True
        return self.rng.choice(chat.members), False

    # --- history --------------------------------------------------------------------------------

    def history_chunks(self) -> Iterator[Any]:
        """HistorySync protos of about `chunk` messages each; a big chat spans several chunks."""
        from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as HS

        plan = [(chat, count) for chat, count in zip(self.chats, self.per_chat, strict=True)]
        total = sum(count for _, count in plan)
        chunks = max(1, -(-total // self.args.chunk))
        done, order = 0, 0
        cursor = [0] * len(plan)  # messages of each chat already written
        while done < total:
            order += 1
            sync_type = HS.HistorySync.INITIAL_BOOTSTRAP if order == 1 else HS.HistorySync.FULL
            hs = HS.HistorySync(
                syncType=sync_type, chunkOrder=order, progress=min(100, order * 100 // chunks)
            )
            room = self.args.chunk
            senders: set[str] = set()
            for index, (chat, count) in enumerate(plan):
                if room <= 0:
                    break
                take = min(count - cursor[index], room)
                if take <= 0:
                    continue
                self._conversation(hs, chat, cursor[index], take, senders)
                cursor[index] += take
                room -= take
                done += take
            for number in sorted(senders):
                hs.pushnames.add(ID=f"{number}@s.whatsapp.net", pushname=f"Name {number[-4:]}")
                self.expected.kinds["contact"] += 1
            if order == 1:
                self._lid_mappings(hs)
            self.expected.chunks += 1
            yield hs

    def _conversation(self, hs: Any, chat: Chat, start: int, take: int, senders: set[str]) -> None:
        from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as HS

        conversation = hs.conversations.add(ID=chat.jid, unreadCount=self.rng.randint(0, 3))
        conversation.lastMsgTimestamp = (T0_MS - 60_000) // 1000
        if chat.group:
            conversation.name = chat.name
            if start == 0:
                for rank, number in enumerate(chat.members):
                    conversation.participant.add(
                        userJID=f"{number}@s.whatsapp.net",
                        rank=HS.GroupParticipant.SUPERADMIN if rank == 0 else HS.GroupParticipant.REGULAR,
                    )
        self.expected.kinds["chat"] += 1
        self.expected.kinds["chat_state"] += 1  # unreadCount is always set: one state per conversation
        for position in range(start, start + take):  # newest first, as the phone sends them
            msg_id = self.message_id()
            number, from_me = self.sender(chat)
            content, _ = self.content(chat, msg_id)
            at_s = (T0_MS - 120_000) // 1000 - position * 600 - self.rng.randint(0, 500)
            web = conversation.messages.add(msgOrderID=position + 1).message
            web.key.remoteJID, web.key.fromMe, web.key.ID = chat.jid, from_me, msg_id
            web.messageTimestamp = at_s
            web.message.CopyFrom(content)
            if chat.group and not from_me:
                web.participant = f"{number}@s.whatsapp.net"
                senders.add(number)
            if self.rng.random() < self.args.reaction_share:
                reactors = self.rng.sample(chat.members, min(len(chat.members), self.rng.randint(1, 2)))
                for offset, reactor in enumerate(reactors, 5):  # event ids: (target, time)
                    reaction = web.reactions.add(
                        text=self.rng.choice(EMOJI), senderTimestampMS=at_s * 1000 + offset
                    )
                    reaction.key.remoteJID, reaction.key.ID = chat.jid, self.message_id()
                    if chat.group:
                        reaction.key.participant = f"{reactor}@s.whatsapp.net"
                    self.expected.kinds["reaction"] += 1
            self.expected.message_ids.add(msg_id)
            self.expected.kinds["message"] += 1
            self.recent.append((chat, msg_id, ME if from_me else number, from_me))
            if len(self.recent) > 200:
                del self.recent[:100]

    def _lid_mappings(self, hs: Any) -> None:
        for index, chat in enumerate(self.chats):
            if not chat.group and index % 3 == 0:
                lid = f"{100_000_000_000_000 + index}@lid"
                hs.phoneNumberToLidMappings.add(pnJID=chat.jid, lidJID=lid)
                self.expected.kinds["lid_mapping"] += 1

    # --- live -----------------------------------------------------------------------------------

    def live_events(self) -> Iterator[Any]:
        from deeplens_connector.sample.protos import jid, key, message
        from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E

        weights = self.per_chat
        for number in range(self.args.live):
            chat = self.rng.choices(self.chats, weights)[0]
            sender, from_me = self.sender(chat)
            chat_jid = jid_proto(chat.jid)
            msg_id = self.message_id()
            at_ms = T0_MS + number * 50
            options: dict[str, Any] = {
                "from_me": from_me,
                "push_name": "" if from_me else f"Name {sender[-4:]}",
            }
            if self.rng.random() < self.args.reaction_share and self.recent:
                target_chat, target_id, target_sender, target_mine = self.rng.choice(self.recent[-100:])
                reaction = E2E.ReactionMessage(key=key(target_chat.jid, target_id, from_me=target_mine,
                    participant=f"{target_sender}@s.whatsapp.net" if target_chat.group else None),
                    text=self.rng.choice(EMOJI), senderTimestampMS=at_ms)  # fmt: skip
                chat_jid = jid_proto(target_chat.jid)
                sender, from_me = ME, True
                content, options = (
                    E2E.Message(reactionMessage=reaction),
                    {"from_me": True, "wa_type": "reaction"},
                )
                self.expected.kinds["reaction"] += 1
            else:
                content, what = self.content(chat, msg_id)
                if what == "media":
                    field = content.ListFields()[0][0].name
                    options |= {"wa_type": "media", "media_type": LIVE_MEDIA_TYPES[field]}
                self.expected.message_ids.add(msg_id)
                self.expected.kinds["message"] += 1
                self.recent.append((chat, msg_id, sender, from_me))
            yield message(
                msg_id, chat_jid, jid(sender, device=2 if from_me else 0), at_ms, content, **options
            )


def jid_proto(text: str) -> Any:
    from deeplens_connector.sample.protos import jid

    user, server = text.split("@")
    return jid(user, server)


def write_recording(path: Path, args: argparse.Namespace) -> Expected:
    from deeplens_connector.replay import RecordWriter
    from deeplens_connector.sample.protos import complete, jid
    from neonize.proto import Neonize_pb2 as N

    generator = Generator(args)
    with path.open("wb") as handle:
        writer = RecordWriter(handle)
        device = N.Device(JID=jid(ME), LID=jid("100000000000001", "lid"), PushName="Me", Initialized=True)
        events: list[Any] = [device, N.Connected(status=True)]
        for ev in events:
            writer.event(complete(ev))
        history = [N.HistorySync(Data=hs) for hs in generator.history_chunks()]
        live = list(generator.live_events())  # media paths are known once every message is built
        for media_path, data in generator.media_files:
            writer.media(media_path, data)
        for ev in (*history, *live):
            writer.event(complete(ev))
    expected = generator.expected
    expected.source_events = 2 + len(history) + len(live)
    expected.size_bytes = path.stat().st_size
    return expected


def expected_path(recording: Path) -> Path:
    return recording.with_name(recording.name + ".expected.json")


def child_generate(recording: Path, args: argparse.Namespace) -> dict[str, Any]:
    """In a child, so the parent stays small: a child's ru_maxrss starts at its parent's RSS."""
    started = time.perf_counter()
    expected = write_recording(recording, args)
    data = {**vars(expected), "message_ids": sorted(expected.message_ids), "kinds": dict(expected.kinds)}
    expected_path(recording).write_text(json.dumps(data))
    return {"seconds": time.perf_counter() - started, "peak_rss_mb": peak_rss_mb()}


def load_expected(recording: Path) -> Expected:
    data = json.loads(expected_path(recording).read_text())
    return Expected(**(data | {"message_ids": set(data["message_ids"]), "kinds": Counter(data["kinds"])}))


# --- the children -------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM). ru_maxrss is not used for it: Linux carries the parent's
    RSS at spawn time into a child's ru_maxrss across exec, so it says max(parent, child)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def ru_maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU seconds of this process, every thread (Go's too), and of its finished children (the
    translation workers, reaped by close()): less noisy than wall time on a shared box."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def descendants() -> list[int]:
    """Every live process under this one (the translation workers, their own helpers)."""
    found, todo = [], [os.getpid()]
    while todo:
        pid = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as children:
                    kids = [int(kid) for kid in children.read().split()]
            except OSError:
                continue
            found += kids
            todo += kids
    return found


def status_mb(pid: int, field: str) -> float:
    """VmRSS / VmHWM of a process in MB; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            line = next((line for line in status if line.startswith(f"{field}:")), None)
    except OSError:
        return 0.0
    return int(line.split()[1]) / 1024 if line else 0.0


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def recorded_events(path: Path) -> Iterator[tuple[int, bytes]]:
    from deeplens_connector.replay import MEDIA_RECORD, read_records

    return ((code, payload) for code, payload in read_records(path) if code != MEDIA_RECORD)


class Translator:
    """The pipeline's translation step on neonize's dispatcher thread, without tracking or I/O.
    Errors are counted, not raised: an exception in a ctypes callback would vanish."""

    def __init__(self, client: Any, session: str, keep: bool) -> None:
        from deeplens_connector import translate
        from deeplens_connector.session.client import own_jid
        from neonize.events import HistorySyncEv, MessageEv

        self.client, self.session, self.keep, self.t, self.own_jid = client, session, keep, translate, own_jid
        self.events: list[Any] = []
        self.kinds: Counter[str] = Counter()
        self.refs = self.errors = 0
        client.event(MessageEv)(self._message)
        client.event(HistorySyncEv)(self._history)

    def _message(self, _client: Any, ev: Any) -> None:
        now_ms, own = int(time.time() * 1000), self.own_jid(self.client)
        try:
            self._take(self.t.translate_message(ev, session=self.session, own_jid=own, now_ms=now_ms))
        except self.t.TranslationError:
            self.errors += 1
        self.refs += self.t.live_media_ref(ev, session=self.session) is not None

    def _history(self, _client: Any, ev: Any) -> None:
        now_ms, own = int(time.time() * 1000), self.own_jid(self.client)
        self.refs += sum(1 for _ in self.t.history_media_refs(ev.Data, session=self.session))
        self._take(self.t.translate_history(ev.Data, session=self.session, own_jid=own, now_ms=now_ms))

    def _take(self, items: Any) -> None:
        for item in items:
            if isinstance(item, Exception):
                self.errors += 1
                continue
            self.kinds[item.kind] += 1
            if self.keep:
                self.events.append(item)


def child_dispatch(recording: Path, session: str, translate: bool) -> dict[str, Any]:
    """The recording through neonize's dispatcher; with `translate`, into the translators."""
    from deeplens_connector.replay import feed_bytes
    from neonize.client import NewClient
    from neonize.events import HistorySyncEv, MessageEv

    client = NewClient(f"bench-{session}", uuid=f"bench-{session}")  # no store: nothing is opened
    translator = Translator(client, session, keep=False) if translate else None
    received = Counter[str]()
    if translator is None:
        client.event(MessageEv)(lambda _c, ev: received.update(("message",)))
        client.event(HistorySyncEv)(lambda _c, ev: received.update(("history",)))
    gc.collect()
    before = current_rss_mb()
    started, cpu = time.perf_counter(), cpu_s()
    for code, payload in recorded_events(recording):
        feed_bytes(client, code, payload)
    seconds = time.perf_counter() - started
    kinds = translator.kinds if translator else received
    return {
        "seconds": seconds,
        "cpu_s": cpu_s() - cpu,
        "kinds": dict(kinds),
        "errors": translator.errors if translator else 0,
        "peak_rss_mb": peak_rss_mb(),
        "ru_maxrss_mb": ru_maxrss_mb(),
        "before_rss_mb": before,
    }


class AckClock:
    """The publisher's SQS sink, timing each acknowledged send (SendMessage returned a MessageId)."""

    def __init__(self, sink: Any) -> None:
        self._sink = sink
        self.first: float | None = None
        self.last: float | None = None
        self.sent = 0

    def send(self, body: str, attributes: dict[str, str] | None = None, *, group: str | None = None) -> str:
        message_id: str = self._sink.send(body, attributes)
        self.last = time.perf_counter()
        self.first = self.first or self.last
        self.sent += 1
        return message_id


class RssSampler(threading.Thread):
    """RSS of this process and of its children every 20 ms: when the peak happens (ru_maxrss only
    says how high), and each child's own peak (VmHWM), while it lives."""

    def __init__(self) -> None:
        super().__init__(name="rss-sampler", daemon=True)
        self.samples: list[tuple[float, float]] = []
        self.children_hwm: dict[int, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        started = time.perf_counter()
        while not self.stop.wait(0.02):
            children = descendants()
            for pid in children:
                self.children_hwm[pid] = max(self.children_hwm.get(pid, 0.0), status_mb(pid, "VmHWM"))
            tree = current_rss_mb() + sum(status_mb(pid, "VmRSS") for pid in children)
            self.samples.append((time.perf_counter() - started, tree))

    def peak(self) -> tuple[float, float]:
        return max(self.samples, key=lambda sample: sample[1], default=(0.0, current_rss_mb()))


def child_publisher(recording: Path) -> dict[str, Any]:
    """Pre-translated envelopes straight into a Publisher wired as runtime._publisher does."""
    from deeplens.adapters.object_store import ObjectStore, make_s3_client
    from deeplens.adapters.queue import Queue, make_sqs_client
    from deeplens_connector.publish.publisher import Publisher, PublisherConfig
    from deeplens_connector.publish.spool import Spool
    from deeplens_connector.replay import feed_bytes
    from deeplens_connector.settings import load_connector_settings
    from neonize.client import NewClient

    settings = load_connector_settings()
    client = NewClient(f"bench-{settings.session_id}", uuid=f"bench-{settings.session_id}")
    translator = Translator(client, settings.session_id, keep=True)
    for code, payload in recorded_events(recording):
        feed_bytes(client, code, payload)
    events = translator.events
    config = PublisherConfig(settings.session_id, settings.connector_batch_max_events,
                             settings.connector_batch_max_ms / 1000)  # fmt: skip
    objects = ObjectStore(make_s3_client(settings), settings.events_bucket)
    queue = AckClock(Queue(make_sqs_client(settings, settings), str(settings.ingest_queue_url)))
    spool = Spool(settings.spool_dir, settings.connector_spool_max_bytes)
    publisher = Publisher(config, spool, objects, queue).start()
    gc.collect()
    before = current_rss_mb()
    started, cpu = time.perf_counter(), cpu_s()
    for event in events:
        publisher.submit(event)
    submitted = time.perf_counter()
    drained = publisher.close(timeout_s=600)
    closed = time.perf_counter()
    return {
        "seconds": (queue.last or closed) - started, "cpu_s": cpu_s() - cpu, "submit_s": submitted - started,
        "drained": drained, "batches": queue.sent, "envelopes": len(events), "errors": translator.errors,
        "kinds": dict(translator.kinds),
        "peak_rss_mb": peak_rss_mb(), "ru_maxrss_mb": ru_maxrss_mb(), "before_rss_mb": before,
    }  # fmt: skip


def child_full(recording: Path) -> dict[str, Any]:
    """Exactly `runtime.run_replay`, with clocks: build, register, replay_into, close (drain)."""
    from deeplens_connector.logs import configure_logging
    from deeplens_connector.settings import load_connector_settings

    settings = load_connector_settings()
    configure_logging(settings.log_level)  # before neonize is imported, as __main__ does
    from deeplens_connector.replay import RecordedMedia, replay_into
    from deeplens_connector.runtime import build
    from deeplens_connector.session.client import Lifecycle, make_client

    client = make_client(f"replay-{settings.session_id}", settings.session_id, settings.device_name)
    connector = build(settings, client, RecordedMedia.from_file(recording), settings.spool_dir)
    acks = AckClock(connector.publisher.messages)
    connector.publisher.messages = acks
    Lifecycle(connector.states, connector.status, None).register(client)
    connector.states.move("connecting", f"replaying {recording.name}")
    sampler = RssSampler()
    gc.collect()
    before = current_rss_mb()
    sampler.start()
    started, cpu = time.perf_counter(), cpu_s()
    stats = replay_into(client, recording)
    fed = time.perf_counter()
    finish = getattr(connector, "finish", None)  # run_replay: translated and downloaded, then closed
    finished = finish(600) if finish else True  # (a --baseline-rev before finish() closes at once)
    drained = connector.close(600) and finished  # positional: drain_s now, timeout_s before
    closed = time.perf_counter()
    sampler.stop.set()
    sampler.join()
    peak_at, peak_sampled = sampler.peak()
    children = {pid: hwm for pid, hwm in sampler.children_hwm.items() if hwm > 0}  # not zombies
    main_peak, workers_peak = peak_rss_mb(), sum(children.values())
    return {
        "seconds": (acks.last or closed) - started, "cpu_s": cpu_s() - cpu, "fed_s": fed - started,
        "close_s": closed - started,
        "first_ack_s": (acks.first or closed) - started, "drained": drained, "batches": acks.sent,
        "source_events": stats.events, "media_files": stats.media_files,
        "peak_rss_mb": main_peak + workers_peak,  # each process's own peak, summed: >= the tree's peak
        "main_peak_rss_mb": main_peak, "workers_peak_rss_mb": workers_peak,
        "workers": len(children),
        "ru_maxrss_mb": ru_maxrss_mb(), "before_rss_mb": before, "peak_sampled_mb": peak_sampled,
        "peak_at_s": peak_at,
    }  # fmt: skip


# --- the parent ---------------------------------------------------------------------------------


@dataclass
class Arrived:
    pointers: int = 0
    inline: int = 0
    objects: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    missing: int = 0
    media: Counter[str] = field(default_factory=Counter)
    count_mismatches: int = 0
    media_keys: list[str] = field(default_factory=list)


def fresh_queue(env: dict[str, str]) -> str:
    name = f"bench-{uuid.uuid4().hex[:10]}"
    return str(
        sqs_client(env).create_queue(QueueName=name, Attributes={"VisibilityTimeout": "900"})["QueueUrl"]
    )


def collect(env: dict[str, str], queue_url: str, session: str, expected: Expected) -> Arrived:
    """Every pointer in the queue, and the batch object when the events are not inline."""
    sqs, s3 = sqs_client(env), s3_client(env)
    arrived, seen = Arrived(), Counter[str]()
    empty = 0
    while empty < 2:  # moto answers an empty receive at once
        answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        messages = answer.get("Messages", [])
        empty = 0 if messages else empty + 1
        for message in messages:
            pointer = decode_pointer(message["Body"])
            arrived.pointers += 1
            events = pointer.events
            if events is None:
                body = s3.get_object(Bucket=pointer.bucket, Key=pointer.key)["Body"].read()
                events = decode_batch(body)
            else:
                arrived.inline += 1
            arrived.count_mismatches += pointer.count != len(events)
            for event in events:
                arrived.kinds[event["kind"]] += 1
                if event["kind"] == "message":
                    seen[event["message_id"]] += 1
                    if event["media"] is not None:
                        arrived.media[event["media"]["status"]] += 1
                        if event["media"]["key"]:
                            arrived.media_keys.append(event["media"]["key"])
    arrived.duplicates = sum(count - 1 for count in seen.values() if count > 1)
    arrived.missing = len(expected.message_ids - seen.keys())
    listed = s3.get_paginator("list_objects_v2").paginate(
        Bucket=env["EVENTS_BUCKET"], Prefix=f"events/{session}/"
    )
    arrived.objects = sum(len(page.get("Contents", [])) for page in listed)
    sqs.delete_queue(QueueUrl=queue_url)
    return arrived


def clean_up(env: dict[str, str], session: str, media_keys: list[str]) -> None:
    s3 = s3_client(env)
    listed = s3.get_paginator("list_objects_v2").paginate(
        Bucket=env["EVENTS_BUCKET"], Prefix=f"events/{session}/"
    )
    for page in listed:
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=env["EVENTS_BUCKET"], Key=item["Key"])
    for key in media_keys:
        s3.delete_object(Bucket=env["MINIO_BUCKET"], Key=key)


@dataclass(frozen=True)
class Bench:
    """What every run of one benchmark invocation shares."""

    recording: Path
    stack: dict[str, str]
    db_url: str
    scratch: Path
    expected: Expected
    child_env: dict[str, str]  # batch settings, PYTHONPATH of --connector-rev


def run_child(mode: str, recording: Path, env: dict[str, str], argv: tuple[str, ...] = ()) -> dict[str, Any]:
    child = subprocess.run(
        [sys.executable, __file__, *argv, "--child", mode, "--recording", str(recording)],
        capture_output=True, text=True, env={**os.environ, **env}, check=False,
    )  # fmt: skip
    if child.returncode != 0:
        raise SystemExit(f"{mode} child failed ({child.returncode}):\n{child.stderr[-4000:]}")
    warnings = [line for line in child.stderr.splitlines() if '"WARNING"' in line or '"ERROR"' in line]
    result: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    result["log_warnings"] = len(warnings)
    result["first_warning"] = warnings[0][:300] if warnings else None
    return result


def published_run(mode: str, bench: Bench) -> tuple[dict[str, Any], Arrived]:
    """One child publishing to its own session and queue; then what arrived, then clean up."""
    session = f"bench_{mode}_{uuid.uuid4().hex[:8]}"
    queue_url = fresh_queue(bench.stack)
    env = {
        **bench.stack, **bench.child_env, "DATABASE_URL": bench.db_url, "SESSION_ID": session,
        "INGEST_QUEUE_URL": queue_url, "CONNECTOR_SPOOL_DIR": str(bench.scratch / session),
        "DEFAULT_TRACK_GROUPS": "true", "DEFAULT_TRACK_PRIVATE": "true", "LOG_LEVEL": "INFO",
    }  # fmt: skip
    result = run_child(mode, bench.recording, env)
    arrived = collect(bench.stack, queue_url, session, bench.expected)
    clean_up(bench.stack, session, arrived.media_keys)
    return result, arrived


def verdict(arrived: Arrived, expected: Expected, full: bool) -> list[str]:
    problems = []
    if arrived.missing or arrived.duplicates:
        problems.append(f"{arrived.missing} messages missing, {arrived.duplicates} twice")
    if arrived.count_mismatches:
        problems.append(f"{arrived.count_mismatches} pointers whose count differs from their events")
    if arrived.objects != arrived.pointers:
        problems.append(f"{arrived.objects} batch objects but {arrived.pointers} SQS pointers")
    for kind, count in expected.kinds.items():
        if arrived.kinds[kind] != count:
            problems.append(f"{kind}: {arrived.kinds[kind]} arrived, {count} expected")
    if full and arrived.kinds["connection"] != 2:  # connecting, connected
        problems.append(f"connection: {arrived.kinds['connection']} arrived, 2 expected")
    if full and arrived.media["stored"] != expected.stored_media:
        problems.append(f"media stored {arrived.media['stored']}, {expected.stored_media} expected")
    return problems


def connector_code(rev: str | None, scratch: Path) -> dict[str, str]:
    """PYTHONPATH for children running the connector package of git revision `rev` (before/after)."""
    if rev is None:
        return {}
    repo = Path(__file__).resolve().parents[1]
    scratch.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(repo), "archive", rev, "connector/deeplens_connector"],
                             capture_output=True, check=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(scratch)], input=archive, check=True)
    return {
        "PYTHONPATH": os.pathsep.join(
            filter(None, (str(scratch / "connector"), os.environ.get("PYTHONPATH")))
        )
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add("--history", type=int, default=50_000, help="messages in the history sync")
    add("--chunk", type=int, default=5_000, help="messages per HistorySync chunk")
    add("--live", type=int, default=5_000, help="live MessageEv events after the history")
    add("--chats", type=int, default=400)
    add("--media-share", type=float, default=0.08, help="messages with a media descriptor")
    add("--stored-media-share", type=float, default=0.05, help="of those, bytes in the recording (uploaded)")
    add("--reaction-share", type=float, default=0.04)
    add("--batch-events", type=int, help="CONNECTOR_BATCH_MAX_EVENTS (default: the settings' default)")
    add("--batch-ms", type=int, help="CONNECTOR_BATCH_MAX_MS (default: the settings' default)")
    add("--only", choices=MODES, action="append", help="run only these stages (repeatable)")
    add("--repeat", type=int, default=1, help="runs of each stage, interleaved; the best one is shown")
    add("--connector-rev", help="run the children on the connector package of this git revision")
    add("--baseline-rev", help="also run the connector package of this git revision (e.g. HEAD), interleaved,"
        " and print before -> after")  # fmt: skip
    add("--seed", type=int, default=7)
    add("--keep", type=Path, help="write the recording here (and keep it)")
    add("--child", help=argparse.SUPPRESS)
    add("--recording", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


def child_main(args: argparse.Namespace) -> NoReturn:
    """In a child process: one stage, its figures as one JSON line on stdout, then exit."""
    children: dict[str, Callable[[], dict[str, Any]]] = {
        "dispatch": lambda: child_dispatch(args.recording, "bench", translate=False),
        "translate": lambda: child_dispatch(args.recording, "bench", translate=True),
        "publisher": lambda: child_publisher(args.recording),
        "full": lambda: child_full(args.recording),
        "generate": lambda: child_generate(args.recording, args),
    }
    try:
        sys.stdout.write(json.dumps(children[args.child](), default=str) + "\n")
    except BaseException:  # a failure must end the child too, not wait for its threads
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)
    sys.stdout.flush()
    os._exit(0)  # neonize's Go threads do not keep a finished child alive


def measure(mode: str, bench: Bench, arrivals: dict[str, list[Arrived]]) -> dict[str, Any]:
    """One run of one stage; a published stage also records what arrived."""
    if mode not in PUBLISHED:
        return run_child(mode, bench.recording, bench.child_env)
    result, arrived = published_run(mode, bench)
    arrivals[mode].append(arrived)
    return result


def main() -> None:
    args = parse_args()
    if args.child:
        child_main(args)
    modes = args.only or list(MODES)
    stack = up(StackConfig.load("test"), ("s3rver",))["s3rver"]
    settings = (("CONNECTOR_BATCH_MAX_EVENTS", args.batch_events), ("CONNECTOR_BATCH_MAX_MS", args.batch_ms))
    load = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory(prefix="connector-bench-") as scratch:
        recording = args.keep or Path(scratch) / "history.rec"
        generation = tuple(f"--{name.replace('_', '-')}={getattr(args, name)}" for name in GENERATION)
        built_s = run_child("generate", recording, {}, generation)["seconds"]
        admin = stack["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
        batch_env = {k: str(v) for k, v in settings if v is not None}
        codes = {args.connector_rev or "work tree": args.connector_rev}
        if args.baseline_rev:  # the baseline first, then interleaved with the code under test
            codes = {f"baseline {args.baseline_rev}": args.baseline_rev, **codes}
        db_url = create_database(admin, "bench")
        benches = {
            label: Bench(recording, stack, db_url, Path(scratch), load_expected(recording),
                         batch_env | connector_code(rev, Path(scratch) / f"code-{number}"))
            for number, (label, rev) in enumerate(codes.items())
        }  # fmt: skip
        runs = {label: {mode: [] for mode in modes} for label in benches}
        arrivals = {label: {mode: [] for mode in modes if mode in PUBLISHED} for label in benches}
        try:
            for _ in range(args.repeat):  # interleaved: a busy moment of the machine hits every stage alike
                for mode in modes:
                    for label, bench in benches.items():
                        runs[label][mode].append(measure(mode, bench, arrivals[label]))
        finally:
            drop_database(admin, db_url)
    load.append(os.getloadavg()[0])
    expected = next(iter(benches.values())).expected
    for label in benches:
        report(args, expected, built_s, runs[label], arrivals=arrivals[label], load=load, code=label)
        print()
    if len(benches) > 1:
        compare(expected, runs)


def compare(expected: Expected, runs: dict[str, dict[str, list[dict[str, Any]]]]) -> None:
    """Baseline and code under test, measured in the same invocation on the same recording."""
    messages = expected.kinds["message"]
    print("  before -> after (best run of each; same recording, same stack, interleaved):")
    modes = next(iter(runs.values())).keys()
    for mode in modes:
        cells = []
        for label, by_mode in runs.items():
            if by_mode[mode]:
                best = min(by_mode[mode], key=lambda run: run["seconds"])
                peak = max(run["peak_rss_mb"] for run in by_mode[mode])
                cells.append(f"{label}: {messages / best['seconds']:,.0f} msg/s, {best['cpu_s']:.1f} CPU s,"
                             f" peak {peak:.0f} MB")  # fmt: skip
        print(f"    {mode:<10} " + "  ->  ".join(cells))


def report(
    args: argparse.Namespace, expected: Expected, built_s: float, runs: dict[str, list[dict[str, Any]]],
    *, arrivals: dict[str, list[Arrived]], load: list[float], code: str,
) -> None:  # fmt: skip
    _report_header(args, expected, built_s, load=load, code=code)
    _report_stages(args, expected, runs)
    print()
    if runs.get("full"):
        _report_full(expected, runs["full"])
    if runs.get("publisher"):
        pub = min(runs["publisher"], key=lambda run: run["seconds"])
        print(
            f"  publisher only, best run: submit() of {pub['envelopes']:,} envelopes took"
            f" {pub['submit_s']:.2f} s, {pub['batches']} batches, drained={pub['drained']}"
        )
    _report_checks(expected, runs, arrivals)


def _report_header(
    args: argparse.Namespace, expected: Expected, built_s: float, *, load: list[float], code: str
) -> None:
    """What was measured: the recording, the code, the machine."""
    messages, envelopes = expected.kinds["message"], sum(expected.kinds.values())
    print(
        f"connector benchmark: {args.history:,} history messages in {expected.chunks} HistorySync chunks"
        f" + {args.live:,} live MessageEv, {args.chats} chats;"
        f" connector code: {code}"
    )
    print(
        f"  recording: {expected.size_bytes / 2**20:.1f} MB, {expected.source_events:,} neonize events,"
        f" built in {built_s:.1f} s; expected {messages:,} messages, {envelopes:,} envelopes"
        f" ({', '.join(f'{k} {v:,}' for k, v in sorted(expected.kinds.items()))});"
        f" {expected.stored_media} media files in the recording"
    )
    print(
        f"  {os.cpu_count()} CPUs, load average {load[0]:.1f} before / {load[1]:.1f} after;"
        f" best of {args.repeat} run(s) per stage (median in brackets)"
    )
    print()


def _report_stages(
    args: argparse.Namespace, expected: Expected, runs: dict[str, list[dict[str, Any]]]
) -> None:
    """One line per stage (best run, median), every run when repeated, and where the CPU went."""
    messages, envelopes = expected.kinds["message"], sum(expected.kinds.values())
    print(f"  {'stage':<56} {'seconds':>15} {'msg/s':>8} {'env/s':>8} {'CPU s':>6} {'peak RSS':>9}")
    for mode, mode_runs in runs.items():
        if not mode_runs:
            continue
        best = min(mode_runs, key=lambda run: run["seconds"])
        median = statistics.median(run["seconds"] for run in mode_runs)
        peak = max(run["peak_rss_mb"] for run in mode_runs)
        seconds = best["seconds"]
        print(
            f"  {LABELS[mode]:<56} {seconds:>6.2f} ({median:>6.2f}) {messages / seconds:>8,.0f}"
            f" {envelopes / seconds:>8,.0f} {best['cpu_s']:>6.1f} {peak:>6.0f} MB"
        )
    if args.repeat > 1:
        for mode, mode_runs in runs.items():
            listed = ", ".join(f"{run['seconds']:.1f} s/{run['cpu_s']:.1f} CPU s" for run in mode_runs)
            print(f"    {mode} runs (wall/CPU): {listed}")
    cpu = {mode: min(run["cpu_s"] for run in mode_runs) for mode, mode_runs in runs.items() if mode_runs}
    if {"translate", "publisher", "full"} <= cpu.keys():
        rest = cpu["full"] - cpu["translate"] - cpu["publisher"]
        print(
            f"  CPU of the full path {cpu['full']:.1f} s = translate {cpu['translate']:.1f} + publisher"
            f" {cpu['publisher']:.1f} + {rest:.1f} (feeding, tracking lookups, media, queues; one GIL)"
        )


def _report_full(expected: Expected, full_runs: list[dict[str, Any]]) -> None:
    """The targets (rate, peak RSS) and the timeline of the full path's best run."""
    full = min(full_runs, key=lambda run: run["seconds"])
    rate = expected.kinds["message"] / full["seconds"]
    peak = max(run["peak_rss_mb"] for run in full_runs)
    print(
        f"  target >= {TARGET_RATE:,} messages/s (neonize event -> last batch acked by SQS):"
        f" {rate:,.0f} msg/s -> {'MET' if rate >= TARGET_RATE else 'MISSED'}"
    )
    print(
        f"  target peak RSS < {TARGET_RSS_MB} MB replaying the history: {peak:.0f} MB"
        f" -> {'MET' if peak < TARGET_RSS_MB else 'MISSED'} (VmHWM of the connector process"
        f" {full.get('main_peak_rss_mb', full['peak_rss_mb']):.0f} MB + of its {full.get('workers', 0)}"
        f" child process(es) (translation workers) {full.get('workers_peak_rss_mb', 0):.0f} MB;"
        f" sampled peak of the process tree {full['peak_sampled_mb']:.0f} MB; ru_maxrss"
        f" {full['ru_maxrss_mb']:.0f} MB; {full['before_rss_mb']:.0f} MB before the first event:"
        f" interpreter, neonize, boto3, clients)"
    )
    print(
        f"  full path, best run: all events fed at {full['fed_s']:.2f} s, first batch acked at"
        f" {full['first_ack_s']:.2f} s, last at {full['seconds']:.2f} s, close() returned at"
        f" {full['close_s']:.2f} s; RSS peak sampled at {full['peak_at_s']:.1f} s;"
        f" {full['batches']} batches, drained={full['drained']}, {full['log_warnings']} warning lines"
    )
    if full["first_warning"]:
        print(f"    first warning: {full['first_warning']}")


def _report_checks(
    expected: Expected, runs: dict[str, list[dict[str, Any]]], arrivals: dict[str, list[Arrived]]
) -> None:
    """Whether every run translated and delivered what the recording holds."""
    for run in runs.get("translate", []):
        problems = [f"{run['errors']} translation errors"] if run["errors"] else []
        if Counter(run["kinds"]) != expected.kinds:
            problems.append(f"envelopes {run['kinds']}")
        total = sum(run["kinds"].values())
        print(f"  translated (translate only): {total:,} envelopes -> {'; '.join(problems) or 'OK'}")
    for mode, arrived_runs in arrivals.items():
        for number, arrived in enumerate(arrived_runs, 1):
            problems = verdict(arrived, expected, full=mode == "full")
            print(
                f"  arrived ({mode} #{number}): {arrived.pointers} SQS pointers ({arrived.inline} inline),"
                f" {arrived.objects} batch objects, {arrived.kinds['message']:,} messages"
                f" ({arrived.missing} missing, {arrived.duplicates} twice), {sum(arrived.kinds.values()):,}"
                f" envelopes, media {dict(arrived.media)} -> {'; '.join(problems) or 'OK'}"
            )


if __name__ == "__main__":
    main()
