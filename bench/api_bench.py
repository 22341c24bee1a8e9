"""API benchmark: p50/p99 of the read routes through the real FastAPI app (in process, ASGI), each
next to the same SQL run directly on psycopg (the baseline: what the app adds is the difference).
Then media streaming (MEDIA_DELIVERY=stream): a video streamed through the API over real HTTP to a
uvicorn process, next to the same object read straight from the S3 server in the same run
(throughput ratio, target >= 0.8x; p50 time to first byte). Peers' methods on the same messages, each
next to our route with the ratio: substring search as GOWA does it (`text ILIKE '%q%'`), a message
looked up by a JSON path as Evolution API does (a JSON copy of the messages with only an instance
index, `data->'key'->>'id'`), and deep pages by OFFSET (`--no-peers` skips them).

    .venv/bin/python bench/api_bench.py [--messages 1000000] [--chats 5000] [--requests 200]
    .venv/bin/python bench/api_bench.py --media-only [--stream-mib 20] [--stream-runs 10]

A fresh migrated database per run is filled with COPY (multilingual text with Zipf word and chat-size
distributions, media rows, reactions, edits, quotes; the secondary indexes and constraints of
`messages` are dropped for the load and rebuilt after it, from their own definitions), vacuumed and
analysed, then dropped at the end (`--keep` keeps it; `--database NAME` reuses a kept one, applying
any new migration). Figures are printed; nothing is asserted (speed is not a test)."""

from __future__ import annotations

import argparse
import asyncio
import bisect
import hashlib
import itertools
import json
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import psycopg
from deeplens.adapters import archive_queries as chats_db
from deeplens.adapters import auth_store
from deeplens.adapters import message_queries as messages_db
from deeplens.adapters import search_queries as search_db
from deeplens.adapters.migrations import apply_migrations
from deeplens.adapters.object_store import CHUNK_SIZE, ObjectStore, make_s3_client
from deeplens.bootstrap import api_deps_from
from deeplens.domain.media import delivery_for
from deeplens.entrypoints.http.app import create_app
from deeplens.entrypoints.http.deps import Authenticated
from deeplens.services import auth
from deeplens.services.api import ApiDeps
from deeplens.services.cursors import encode_cursor
from deeplens.services.media import presigned_key
from deeplens.services.search import epoch_ms
from deeplens.settings import ApiSettings, load_settings
from devstack.config import StackConfig
from devstack.databases import create_database, drop_database
from devstack.proc import read_pid
from devstack.stack import MIGRATIONS, up

SESSION = "bench"
ME = "491700000000@s.whatsapp.net"
START_MS = 1_672_531_200_000  # 2023-01-01
SPAN_MS = 3 * 365 * 86_400_000
DAY_MS = 86_400_000

# Each chat speaks one language; its words follow a Zipf law over that language's list (most
# frequent first). 12 % of the words come from a shared tail of made-up names and places instead.
LANGUAGES = {
    "en": "ok the you i to and is it for in that we are on be at this see will me have so what just can do"
    " tomorrow thanks yes no good time call later today meeting lunch photo video report ready please"
    " review tonight weekend pizza sushi home work love haha sure great morning night send now here"
    " there when where how why quarterly",
    "de": "ich du und ist das nicht ja nein wir es die der zu mit auf heute morgen danke gut bis später"
    " treffen uns um zehn im büro okay super hallo wie geht dir schön abend essen kommst wann wo warum"
    " genau bitte arbeit zuhause grüße übermorgen münchen straße krankenhaus",
    "es": "que de no la el y en es lo a me por qué tal hola gracias sí mañana nos vemos luego bien vale"
    " casa trabajo ahora dónde cuándo porque comida fiesta también estación señor niño autobús",
    "pt": "não que de o a e é um para com sim obrigado até logo tudo bem você amanhã hoje agora onde"
    " quando porque casa trabalho reunião três já então muito beijo saudade esqueça",
    "hi": "है के में की और को से नहीं हाँ क्या आप मैं हम कल आज नमस्ते धन्यवाद ठीक अच्छा घर काम बैठक सुबह शाम मिलते",
    "ar": "في من على أن لا ما هذا مع نعم شكرا مرحبا غدا اليوم الآن أين متى لماذا البيت العمل الاجتماع"
    " صباح مساء إن شاء الله حبيبي",
}
LANGUAGE_SHARE = {"en": 35, "de": 20, "es": 15, "pt": 15, "hi": 8, "ar": 7}
SYLLABLES = "ka lo mi ra ten vo sa ber dun zi pe tor lin gar shu nel ri qua mox fel dra wen"
TAIL_SHARE = 0.12
FIRST_NAMES = "Anna Ben Carla David Elif Farid Greta Hugo Ines Jonas Kavya Luis Maria Nadia Omar Priya"
NAMES = FIRST_NAMES.split()
EMOJI = ("👍", "❤️", "😂", "😮", "😢", "🙏")
MEDIA_TYPES = (  # (type, share of all messages, mime, extension)
    ("image", 0.020, "image/jpeg", "jpg"),
    ("video", 0.005, "video/mp4", "mp4"),
    ("voice", 0.008, "audio/ogg; codecs=opus", "ogg"),
    ("document", 0.003, "application/pdf", "pdf"),
)
TARGETS = {"page": ("p99", 20.0), "search": ("p99", 100.0), "redirect-hit": ("p50", 2.0)}
STREAM_TARGET = 0.8  # media stream through the API / straight from the S3 server (throughput)
MiB = 1 << 20


# --- the archive ---------------------------------------------------------------------------------


def zipf_cumulative(count: int, exponent: float) -> list[float]:
    return list(itertools.accumulate(1 / (rank**exponent) for rank in range(1, count + 1)))


def tail_words(count: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choices(SYLLABLES.split(), k=rng.randint(2, 4))))
    return sorted(words)


class Words:
    """Endless word streams per language, drawn in large blocks (one `choices` call per block)."""

    def __init__(self, rng: random.Random, tail: list[str]) -> None:
        self.rng = rng
        self.vocabularies: dict[str, tuple[list[str], list[float]]] = {}
        tail_weights = zipf_cumulative(len(tail), 1.0)
        for language, text in LANGUAGES.items():
            own = text.split()
            weights = zipf_cumulative(len(own), 1.1)
            scale = TAIL_SHARE / (1 - TAIL_SHARE) * weights[-1] / tail_weights[-1]
            combined = weights + [weights[-1] + w * scale for w in tail_weights]
            self.vocabularies[language] = (own + tail, combined)
        self.buffers: dict[str, tuple[list[str], int]] = {}

    def take(self, language: str, count: int) -> list[str]:
        buffer, position = self.buffers.get(language, ([], 0))
        if position + count > len(buffer):
            words, weights = self.vocabularies[language]
            buffer, position = self.rng.choices(words, cum_weights=weights, k=1 << 18), 0
        self.buffers[language] = (buffer, position + count)
        return buffer[position : position + count]


def token_probability(word: str, tail: list[str]) -> float:
    """The chance that one word of a message is `word` (the tail is shared by every language)."""
    rank = tail.index(word) + 1
    harmonic = sum(1 / r for r in range(1, len(tail) + 1))
    return TAIL_SHARE / (rank * harmonic)


@dataclass
class Chat:
    jid: str
    kind: str
    language: str
    members: list[str]
    name: str | None
    last_ts: int = 0
    last_id: str | None = None
    count: int = 0


@dataclass
class Archive:
    """Everything generated, as COPY text per table (written while generated, to keep RSS low)."""

    messages: int
    chats: list[Chat]
    contacts: list[str]
    tail: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    media_ids: list[tuple[str, str]] = field(default_factory=list)  # (file_id, status)


def make_chats(count: int, rng: random.Random) -> tuple[list[Chat], list[str]]:
    people = [f"4915{n:09d}@s.whatsapp.net" for n in range(max(20_000, count * 4))]
    languages = list(LANGUAGE_SHARE)
    chats = []
    for index in range(count):
        language = rng.choices(languages, weights=list(LANGUAGE_SHARE.values()))[0]
        if index % 4 == 0:  # a quarter are groups; the biggest chat (index 0) is one
            members = rng.sample(people, rng.randint(3, 60))
            name = f"{rng.choice(NAMES)}'s group {index}"
            chats.append(Chat(f"120363{index:012d}@g.us", "group", language, members, name))
        else:
            chats.append(Chat(people[index], "direct", language, [people[index]], None))
    return chats, people


def escape(value: Any) -> str:
    """One field of COPY text format (our generated text never holds tabs, newlines or backslashes)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, bytes):
        return "\\\\x" + value.hex()
    return str(value)


def line(*values: Any) -> str:
    return "\t".join(escape(value) for value in values) + "\n"


MESSAGE_COLUMNS = (
    "session_id, chat_jid, id, sender_jid, sender_alt_jid, remote_jid, from_me, push_name, content,"
    ' message_type, text_body, media_url, file_id, quoted_id, "timestamp", status, edited_at, deleted_at,'
    " deleted_by, source"
)


class MessageRows:
    """Message rows plus the media, reaction and version rows that belong to them."""

    def __init__(self, archive: Archive, rng: random.Random) -> None:
        self.archive, self.rng = archive, rng
        self.words = Words(rng, archive.tail)
        self.media: list[str] = []
        self.reactions: list[str] = []
        self.versions: list[str] = []
        self.media_cut = list(itertools.accumulate(share for _, share, _, _ in MEDIA_TYPES))

    def chunks(self, size: int = 20_000) -> Iterator[str]:
        archive, rng = self.archive, self.rng
        weights = zipf_cumulative(len(archive.chats), 1.0)
        picks = rng.choices(range(len(archive.chats)), cum_weights=weights, k=archive.messages)
        step = SPAN_MS // archive.messages
        lines: list[str] = []
        for number, chat_index in enumerate(picks):
            lines.append(self.message(number, archive.chats[chat_index], START_MS + number * step))
            if len(lines) == size:
                yield "".join(lines)
                lines = []
        if lines:
            yield "".join(lines)

    def message(self, number: int, chat: Chat, at: int) -> str:
        rng = self.rng
        message_id = f"3EB0{number:016X}"
        from_me = rng.random() < (0.15 if chat.kind == "group" else 0.4)
        sender = ME if from_me else rng.choice(chat.members)
        # In groups WhatsApp now addresses members by LID: half the group messages carry it too.
        alt = (
            f"{int(sender[4:-15]) + 10**14}@lid"
            if chat.kind == "group" and not from_me and number % 2
            else None
        )
        text: str | None = " ".join(self.words.take(chat.language, min(60, 1 + int(rng.expovariate(1 / 7)))))
        kind, content, media_url, file_id = "text", {"conversation": text}, None, None
        draw = rng.random()
        media_type = bisect.bisect(self.media_cut, draw)
        if media_type < len(MEDIA_TYPES):
            kind, _, mime, _ = MEDIA_TYPES[media_type]
            text = text if rng.random() < 0.4 else None  # a caption, sometimes
            file_id = f"BF{number:014X}"
            media_url = self.add_media(chat, (message_id, at, file_id), MEDIA_TYPES[media_type])
            content = {f"{kind}Message": {"caption": text, "mimetype": mime}}
        quoted = chat.last_id if chat.last_id and rng.random() < 0.03 else None
        edited_at = None
        if text and rng.random() < 0.005:
            edited_at = at + 60_000
            original = " ".join(self.words.take(chat.language, 3))
            self.versions.append(line(SESSION, chat.jid, message_id, at, True, original))
            self.versions.append(line(SESSION, chat.jid, message_id, edited_at, False, text))
        deleted = rng.random() < 0.003
        if rng.random() < 0.04:
            for reactor in {rng.choice(chat.members) for _ in range(rng.randint(1, 3))}:
                self.reactions.append(
                    line(SESSION, chat.jid, message_id, reactor, rng.choice(EMOJI), at + 5000)
                )
        chat.last_ts, chat.last_id, chat.count = at, message_id, chat.count + 1
        return line(
            SESSION, chat.jid, message_id, sender, alt, chat.jid, from_me, None if from_me else "Bench",
            json.dumps(content, ensure_ascii=False), kind, text, media_url, file_id, quoted, at,
            2 if from_me else 0, edited_at, at + 30_000 if deleted else None, sender if deleted else None,
            "live" if number > self.archive.messages * 0.95 else "history",
        )  # fmt: skip

    def add_media(
        self, chat: Chat, message: tuple[str, int, str], media_type: tuple[str, float, str, str]
    ) -> str | None:
        (message_id, at, file_id), (kind, _, mime, extension) = message, media_type
        rng = self.rng
        status = "stored" if rng.random() < 0.85 else rng.choice(("skipped", "failed"))
        day = time.strftime("%Y-%m-%d", time.gmtime(at / 1000))
        key = f"{chat.jid}/{day}/{file_id}.{extension}" if status == "stored" else None
        visual = kind in ("image", "video")
        thumbnail = rng.randbytes(900) if visual else None
        self.media.append(
            line(
                SESSION, file_id, chat.jid, message_id, key, mime, rng.randint(20_000, 8_000_000),
                rng.randbytes(32).hex() if key else None, 1280 if visual else None, 960 if visual else None,
                rng.randint(2, 300) if kind in ("video", "voice") else None,
                f"{file_id}.pdf" if kind == "document" else None, thumbnail, status,
            )
        )  # fmt: skip
        self.archive.media_ids.append((file_id, status))
        return key


# --- loading -------------------------------------------------------------------------------------


def copy_text(conn: psycopg.Connection[Any], table: str, columns: str, chunks: Iterator[str]) -> None:
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for chunk in chunks:
            copy.write(chunk.encode())


def detach_message_indexes(conn: psycopg.Connection[Any]) -> list[list[str]]:
    """Drop the constraints and secondary indexes of `messages`; returns the statements that rebuild
    them (from the catalog, so a new migration's index is rebuilt too), in two parallel groups."""
    constraints = conn.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = 'messages'::regclass AND contype IN ('p', 'f', 'u') ORDER BY contype DESC"
    ).fetchall()  # 'u' and 'p' before 'f': the foreign key is dropped first, added last
    indexes = conn.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid),"
        " pg_relation_size(i.indexrelid), am.amname FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam"
        " WHERE i.indrelid = 'messages'::regclass"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
    ).fetchall()
    for name, _, _ in reversed(constraints):
        conn.execute(f"ALTER TABLE messages DROP CONSTRAINT {name}")
    for name, *_ in indexes:
        conn.execute(f"DROP INDEX {name}")
    # The vocabulary's triggers (migration 0016) would hold every loaded row in a transition table:
    # off for the load, the vocabulary filled in one statement after it (as the migration does).
    conn.execute("ALTER TABLE messages DISABLE TRIGGER USER")
    conn.commit()
    # Two groups of about equal work for two connections: each GIN index alone, the B-trees together.
    gin = [definition for _, definition, _, method in indexes if method == "gin"]
    other = [definition for _, definition, _, method in indexes if method != "gin"]
    add = "ALTER TABLE messages ADD CONSTRAINT {} {}"
    adds = [add.format(name, definition) for name, kind, definition in constraints if kind != "f"]
    foreign = [add.format(name, definition) for name, kind, definition in constraints if kind == "f"]
    first, second = gin[:1], gin[1:]
    second += adds + other
    vocabulary = [
        "INSERT INTO search_words (word) SELECT DISTINCT w FROM messages,"
        " unnest(tsvector_to_array(search_vector)) AS w ON CONFLICT DO NOTHING",
        "ALTER TABLE messages ENABLE TRIGGER USER",
    ]
    return [first, second, foreign + vocabulary]


def rebuild(url: str, groups: list[list[str]]) -> None:
    """The first two groups on two connections at once (both cores), then the last one."""

    def run(statements: list[str]) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '1GB'")
            conn.execute("SET max_parallel_maintenance_workers = 0")
            for statement in statements:
                conn.execute(statement.encode())

    threads = [threading.Thread(target=run, args=(group,)) for group in groups[:2]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run(groups[2])


def load(url: str, messages: int, chat_count: int, seed: int = 7) -> tuple[Archive, dict[str, float]]:
    rng = random.Random(seed)
    chats, people = make_chats(chat_count, rng)
    archive = Archive(messages, chats, people, tail_words(5000, rng))
    rows = MessageRows(archive, rng)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        groups = detach_message_indexes(conn)
        chat_columns = "session_id, jid, name, kind, unread_count, last_msg_timestamp, is_archived"
        conn.execute("ALTER TABLE messages SET (autovacuum_enabled = false)")
        copy_text(conn, "messages", MESSAGE_COLUMNS, rows.chunks())
        conn.execute("ALTER TABLE messages RESET (autovacuum_enabled)")
        copy_text(conn, "chats", chat_columns, iter(["".join(
            line(SESSION, c.jid, c.name, c.kind, rng.choice((0, 0, 0, 2, 7)), c.last_ts or None, False)
            for c in chats)]))  # fmt: skip
        copy_text(conn, "tracking_config", "session_id, jid, name, type, is_tracked, auto_download_media",
                  iter(["".join(line(SESSION, c.jid, c.name, "group" if c.kind == "group" else "private",
                                     True, c.kind == "direct") for c in chats)]))  # fmt: skip
        copy_text(conn, "contacts", "session_id, jid, push_name, full_name",
                  iter(["".join(line(SESSION, jid, rng.choice(NAMES),
                                     f"{rng.choice(NAMES)} {n}" if n % 3 == 0 else None)
                                for n, jid in enumerate(people))]))  # fmt: skip
        copy_text(
            conn,
            "media",
            "session_id, file_id, chat_jid, message_id, bucket_key, mime, size, sha256,"
            " width, height, duration_s, file_name, thumbnail, status",
            iter(["".join(rows.media)]),
        )
        copy_text(conn, "reactions", "session_id, chat_jid, message_id, reactor_jid, emoji, reacted_at",
                  iter(["".join(rows.reactions)]))  # fmt: skip
        copy_text(conn, "message_versions", "session_id, chat_jid, message_id, edited_at, is_original,"
                  " text_body", iter(["".join(rows.versions)]))  # fmt: skip
        conn.commit()
    timings["copy"] = time.perf_counter() - started
    started = time.perf_counter()
    rebuild(url, groups)
    timings["indexes"] = time.perf_counter() - started
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    timings["vacuum_analyze"] = time.perf_counter() - started
    archive.counts = {
        "media": len(rows.media),
        "reactions": len(rows.reactions),
        "versions": len(rows.versions),
    }
    return archive, timings


# --- measuring -----------------------------------------------------------------------------------

Request = tuple[str, dict[str, Any]]  # (path, query parameters)


@dataclass
class Case:
    name: str
    kind: str  # page | search | redirect-hit | redirect-miss
    requests: list[Request]  # used in turn
    status: int
    sql: Callable[[psycopg.Connection[Any], int], object]  # the baseline of request i, directly
    prepare: Callable[[int], None] | None = None  # untimed, before request i (both variants)


@dataclass
class Result:
    case: Case
    app: list[float]
    sql: list[float]


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class AsgiCaller:
    """GET requests straight into the ASGI app: what is timed is the app's own work (routing,
    validation, auth, the handler, serialisation), not an HTTP client's or server's."""

    def __init__(self, app: Any, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

    async def get(self, path: str, params: dict[str, Any]) -> tuple[int, bytes]:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
            "scheme": "http", "path": path, "raw_path": quote(path).encode(), "root_path": "",
            "query_string": urlencode(params).encode(), "headers": [(b"host", b"bench"), *self.headers],
            "client": ("127.0.0.1", 50000), "server": ("bench", 80),
        }  # fmt: skip
        status, body = 0, bytearray()

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, bytes(body)


async def time_app(caller: AsgiCaller, case: Case, count: int, budget_s: float) -> list[float]:
    samples: list[float] = []
    deadline = time.perf_counter() + budget_s
    for number in range(-min(10, count), count):  # negative numbers: warm-up, not kept
        path, params = case.requests[number % len(case.requests)]
        if case.prepare:
            case.prepare(number)
        started = time.perf_counter()
        status, body = await caller.get(path, params)
        elapsed = (time.perf_counter() - started) * 1000
        if status != case.status or (status == 200 and body.startswith(b'{"items":[]')):
            raise SystemExit(f"{case.name}: {path} {params} answered {status}: {body[:300]!r}")
        if number >= 0:
            samples.append(elapsed)
        if time.perf_counter() > deadline and len(samples) >= 20:
            break
    return samples


def time_sql(conn: psycopg.Connection[Any], case: Case, count: int, budget_s: float) -> list[float]:
    samples: list[float] = []
    deadline = time.perf_counter() + budget_s
    for number in range(-min(10, count), count):
        if case.prepare:
            case.prepare(number)
        started = time.perf_counter()
        case.sql(conn, number)
        elapsed = (time.perf_counter() - started) * 1000
        if number >= 0:
            samples.append(elapsed)
        if time.perf_counter() > deadline and len(samples) >= 20:
            break
    return samples


def api_deps(env: dict[str, str], url: str) -> ApiDeps:
    fields = {key.lower(): value for key, value in env.items() if key.lower() in ApiSettings.model_fields}
    settings = load_settings(
        ApiSettings,
        **{**fields, "database_url": url, "session_id": SESSION, "frontend_dir": Path("/nonexistent")},
        admin_password="bench-" + uuid.uuid4().hex,
    ).model_copy(update={"media_delivery": "redirect"})  # the in-process media cases time the redirect
    return api_deps_from(settings)


@dataclass
class Subjects:
    """What the cases point at, looked up in the loaded archive."""

    big_chat: str
    big_count: int
    chat_cursors: list[str]
    message_keys: list[tuple[int, str]]
    stored: list[str]
    words: dict[str, str]
    hits: dict[str, int]
    window: tuple[str, str]
    sender: str


def find_subjects(conn: psycopg.Connection[Any], archive: Archive) -> Subjects:
    big = max(archive.chats, key=lambda c: c.count)
    total = len(archive.chats)
    chat_keys = [
        conn.execute(
            "SELECT last_msg_timestamp, jid FROM chats WHERE session_id = %s"
            " ORDER BY last_msg_timestamp DESC NULLS LAST, jid OFFSET %s LIMIT 1",
            (SESSION, int(total * share)),
        ).fetchone()
        for share in (0.80, 0.85, 0.90, 0.95)
    ]
    message_keys = [
        conn.execute(
            'SELECT "timestamp", id FROM messages WHERE session_id = %s AND chat_jid = %s'
            ' ORDER BY "timestamp" DESC, id DESC OFFSET %s LIMIT 1',
            (SESSION, big.jid, int(big.count * share)),
        ).fetchone()
        for share in (0.50, 0.60, 0.70, 0.80, 0.90, 0.99)
    ]
    stored = [file_id for file_id, status in archive.media_ids if status == "stored"]
    words = {"common": "the", "medium": "münchen", "rare": rare_word(conn, archive)}
    hits = {key: hit_count(conn, word) for key, word in words.items()}
    words["partial"] = "kenhaus"  # the middle of a word (krankenhaus): substring hits only
    hits["partial"] = substring_count(conn, words["partial"])
    sender = conn.execute(  # who writes the common word most
        "SELECT sender_jid FROM messages WHERE session_id = %s AND NOT from_me"
        " AND search_vector @@ websearch_to_tsquery('dl_multilingual', %s)"
        " GROUP BY sender_jid ORDER BY count(*) DESC LIMIT 1",
        (SESSION, words["common"]),
    ).fetchone()
    middle = time.gmtime((START_MS + SPAN_MS // 2) / 1000)
    start = time.strftime("%Y-%m-%d", middle)
    end = time.strftime("%Y-%m-%d", time.gmtime((START_MS + SPAN_MS // 2 + 90 * DAY_MS) / 1000))
    return Subjects(
        big.jid, big.count, [encode_cursor(*key) for key in chat_keys if key],
        [(int(key[0]), str(key[1])) for key in message_keys if key], stored, words, hits, (start, end),
        str(sender[0]) if sender else ME,
    )  # fmt: skip


def rare_word(conn: psycopg.Connection[Any], archive: Archive) -> str:
    """A tail word in about 40 messages per million (at least a few) that is no part of any other
    word, so prefix and substring matches find only it: of the likely ones, the closest, counted."""
    target = max(40 * archive.messages / 1_000_000, 3)
    words_per_message = 8  # mean of 1 + exp(7)
    everything = [w for text in LANGUAGES.values() for w in text.split()] + archive.tail
    by_expectation = sorted(
        archive.tail,
        key=lambda w: abs(token_probability(w, archive.tail) * words_per_message * archive.messages - target),
    )
    alone = (w for w in by_expectation if not any(w in other for other in everything if other != w))
    likely = list(itertools.islice(alone, 12))
    counts = {word: hit_count(conn, word) for word in likely}
    return min((w for w in likely if counts[w]), key=lambda w: abs(counts[w] - target), default=likely[0])


def hit_count(conn: psycopg.Connection[Any], word: str) -> int:
    row = conn.execute(
        "SELECT count(*) FROM messages WHERE session_id = %s"
        " AND search_vector @@ websearch_to_tsquery('dl_multilingual', %s)",
        (SESSION, word),
    ).fetchone()
    return int(row[0]) if row else 0


def substring_count(conn: psycopg.Connection[Any], part: str) -> int:
    row = conn.execute(
        "SELECT count(*) FROM messages WHERE session_id = %s AND dl_search_text(text_body) LIKE %s",
        (SESSION, f"%{part}%"),
    ).fetchone()
    return int(row[0]) if row else 0


def cases(deps: ApiDeps, subjects: Subjects) -> list[Case]:
    s = subjects
    big = s.big_chat
    media_hit, media_miss = s.stored[: len(s.stored) // 2][:200], s.stored[len(s.stored) // 2 :][:200]
    start, end = s.window
    window = SimpleFilters(big, epoch_ms_of(start, False), epoch_ms_of(end, True))

    def chats(cursor: str | None) -> dict[str, Any]:
        return {"limit": 50} | ({"cursor": cursor} if cursor else {})

    def chat_key(cursor: str) -> tuple[int | None, str]:
        raw = json.loads(_unb64(cursor))
        return raw[0], raw[1]

    def search_sql(word: str, filters: search_db.SearchFilters) -> Callable[[Any, int], object]:
        return lambda conn, _: search_db.search_messages(conn, SESSION, word, filters, limit=31, after=None)

    def forget(file_ids: list[str]) -> Callable[[int], None]:
        return lambda number: deps.cache.delete(presigned_key(file_ids[number % len(file_ids)]))

    def presign(conn: psycopg.Connection[Any], number: int) -> object:
        file_id = media_miss[number % len(media_miss)]
        row = chats_db.media_object(conn, SESSION, file_id)
        assert row is not None
        delivery = delivery_for(row["mime"], row["file_name"], file_id)
        url = deps.media.presign_get(
            row["bucket_key"],
            3600,
            content_type=delivery.content_type,
            disposition=delivery.content_disposition,
        )
        deps.cache.set(presigned_key(file_id), url, 3300)
        return url

    no_filters = search_db.SearchFilters()
    messages_path = f"/api/chats/{big}/messages"
    return [
        Case("chats: first page", "page", [("/api/chats", chats(None))], 200,
             lambda conn, _: chats_db.page_chats(conn, SESSION, limit=51, after=None, name=None, kind=None)),
        Case("chats: deep page (80-95 %)", "page", [("/api/chats", chats(c)) for c in s.chat_cursors], 200,
             lambda conn, n: chats_db.page_chats(conn, SESSION, limit=51, name=None, kind=None,
                                                 after=chat_key(s.chat_cursors[n % len(s.chat_cursors)]))),
        Case(f"messages: newest page ({s.big_count:,} msgs)", "page", [(messages_path, {"limit": 50})], 200,
             lambda conn, _: messages_db.page_messages(conn, SESSION, big, 51)),
        Case("messages: deep page (50-99 %)", "page",
             [(messages_path, {"limit": 50, "before": encode_cursor(*key)}) for key in s.message_keys], 200,
             lambda conn, n: messages_db.page_messages(conn, SESSION, big, 51, seek="older",
                                                       key=s.message_keys[n % len(s.message_keys)])),
        Case("messages: around a message id (jump)", "page",
             [(messages_path, {"limit": 50, "around": key[1]}) for key in s.message_keys], 200,
             lambda conn, n: around_sql(conn, big, s.message_keys[n % len(s.message_keys)][1])),
        Case(f"search: common '{s.words['common']}' ({s.hits['common']:,})", "search",
             [("/api/search", {"q": s.words["common"]})], 200, search_sql(s.words["common"], no_filters)),
        Case(f"search: medium '{s.words['medium']}' ({s.hits['medium']:,})", "search",
             [("/api/search", {"q": s.words["medium"]})], 200, search_sql(s.words["medium"], no_filters)),
        Case(f"search: rare '{s.words['rare']}' ({s.hits['rare']:,})", "search",
             [("/api/search", {"q": s.words["rare"]})], 200, search_sql(s.words["rare"], no_filters)),
        Case(f"search: partial '{s.words['partial']}' ({s.hits['partial']:,})", "search",
             [("/api/search", {"q": s.words["partial"]})], 200, search_sql(s.words["partial"], no_filters)),
        Case("search: common + chat + 90 days + text", "search",
             [("/api/search", {"q": s.words["common"], "chat": big, "from": start, "to": end,
                               "type": "text"})], 200, search_sql(s.words["common"], window.filters("text"))),
        Case("search: common + sender", "search",
             [("/api/search", {"q": s.words["common"], "sender": s.sender})], 200,
             search_sql(s.words["common"], search_db.SearchFilters(sender=s.sender))),
        Case("media: redirect, cache hit", "redirect-hit",
             [(f"/api/media/{file_id}", {}) for file_id in media_hit], 302,
             lambda _, n: deps.cache.get(presigned_key(media_hit[n % len(media_hit)]))),
        Case("media: redirect, cache miss (presign)", "redirect-miss",
             [(f"/api/media/{file_id}", {}) for file_id in media_miss], 302, presign, forget(media_miss)),
    ]  # fmt: skip


def around_sql(conn: psycopg.Connection[Any], chat: str, message_id: str) -> object:
    """What the route runs for `around`: the message's key by id, then the pages on both sides."""
    key = messages_db.message_key(conn, SESSION, chat, message_id)
    assert key is not None
    older = messages_db.page_messages(conn, SESSION, chat, 26, seek="older", key=key)
    return older, messages_db.page_messages(conn, SESSION, chat, 26, seek="newer_or_same", key=key)


# --- peers' methods on the same messages -----------------------------------------------------------

PEER_COLUMNS = 'chat_jid, id, sender_jid, message_type, text_body, media_url, "timestamp"'
# Evolution API keeps each message as one JSON document (Baileys' key, pushName, message, ...) in
# its "Message" table with an index on the instance id only, and finds a message by a JSON path.
EVOLUTION_FILL = """
CREATE TABLE IF NOT EXISTS peer_evolution_message (
    id text PRIMARY KEY, instance_id text NOT NULL, data jsonb NOT NULL);
CREATE INDEX IF NOT EXISTS peer_evolution_message_instance ON peer_evolution_message (instance_id);
INSERT INTO peer_evolution_message (id, instance_id, data)
SELECT md5(chat_jid || '/' || id), session_id, jsonb_build_object(
    'key', jsonb_build_object('id', id, 'remoteJid', chat_jid, 'fromMe', from_me,
                              'participant', CASE WHEN chat_jid LIKE '%@g.us' THEN sender_jid END),
    'pushName', push_name, 'messageType', message_type, 'message', content,
    'messageTimestamp', "timestamp" / 1000, 'source', source)
FROM messages WHERE NOT EXISTS (SELECT 1 FROM peer_evolution_message LIMIT 1);
VACUUM ANALYZE peer_evolution_message;
"""


@dataclass
class Peer:
    name: str
    ours: str  # the name of our case it is compared with
    sql: Callable[[psycopg.Connection[Any], int], object]


def peer_cases(subjects: Subjects) -> list[Peer]:
    s = subjects
    big = s.big_chat
    shares = (0.50, 0.60, 0.70, 0.80, 0.90, 0.99)  # the depths of the deep message pages
    chat_shares = (0.80, 0.85, 0.90, 0.95)

    def ilike(word: str) -> Callable[[Any, int], object]:  # GOWA: a substring, newest first
        sql = (f"SELECT {PEER_COLUMNS} FROM messages WHERE session_id = %s AND text_body ILIKE %s"
               ' ORDER BY "timestamp" DESC LIMIT 30')  # fmt: skip
        return lambda conn, _: conn.execute(sql, (SESSION, f"%{word}%"), prepare=False).fetchall()

    def offset_messages(conn: psycopg.Connection[Any], n: int) -> object:
        depth = int(s.big_count * shares[n % len(shares)])
        return conn.execute(
            f"SELECT {PEER_COLUMNS} FROM messages WHERE session_id = %s AND chat_jid = %s"
            ' ORDER BY "timestamp" DESC LIMIT 50 OFFSET %s',
            (SESSION, big, depth),
        ).fetchall()

    def offset_chats(conn: psycopg.Connection[Any], n: int) -> object:
        total = conn.execute("SELECT count(*) FROM chats WHERE session_id = %s", (SESSION,)).fetchone()
        depth = int((total[0] if total else 0) * chat_shares[n % len(chat_shares)])
        return conn.execute(
            "SELECT jid, name, kind, last_msg_timestamp FROM chats WHERE session_id = %s"
            " ORDER BY last_msg_timestamp DESC NULLS LAST, jid LIMIT 50 OFFSET %s",
            (SESSION, depth),
        ).fetchall()

    def json_lookup(conn: psycopg.Connection[Any], n: int) -> object:
        message_id = s.message_keys[n % len(s.message_keys)][1]
        return conn.execute(
            "SELECT data FROM peer_evolution_message WHERE instance_id = %s AND data->'key'->>'id' = %s",
            (SESSION, message_id),
        ).fetchall()

    return [
        Peer(f"GOWA: text ILIKE '%{s.words['common']}%'", f"search: common '{s.words['common']}'",
             ilike(s.words["common"])),
        Peer(f"GOWA: text ILIKE '%{s.words['medium']}%'", f"search: medium '{s.words['medium']}'",
             ilike(s.words["medium"])),
        Peer(f"GOWA: text ILIKE '%{s.words['rare']}%'", f"search: rare '{s.words['rare']}'",
             ilike(s.words["rare"])),
        Peer("Evolution: data->'key'->>'id' (instance idx)", "messages: around a message id", json_lookup),
        Peer("OFFSET paging: messages deep page", "messages: deep page", offset_messages),
        Peer("OFFSET paging: chats deep page", "chats: deep page", offset_chats),
    ]  # fmt: skip


def measure_peers(url: str, peers: list[Peer], count: int, budget_s: float) -> list[list[float]]:
    """Each peer's SQL on one connection: 2 warm-ups, then up to `count` runs within `budget_s`
    (at least 10: a sequential scan of a million rows takes a second or more)."""
    timings = []
    with psycopg.connect(url, autocommit=True) as conn:
        for peer in peers:
            samples: list[float] = []
            deadline = time.perf_counter() + budget_s
            for number in range(-2, count):
                started = time.perf_counter()
                peer.sql(conn, number)
                if number >= 0:
                    samples.append((time.perf_counter() - started) * 1000)
                if time.perf_counter() > deadline and len(samples) >= 10:
                    break
            timings.append(samples)
    return timings


def run_peers(url: str, subjects: Subjects, results: list[Result], count: int, budget_s: float) -> None:
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in EVOLUTION_FILL.split(";\n"):
            if statement.strip():
                conn.execute(statement.encode())
    print(f"  (Evolution-style copy of the messages built in {time.perf_counter() - started:.1f} s;"
          f" load average {os.getloadavg()[0]:.2f})")  # fmt: skip
    peers = peer_cases(subjects)
    report_peers(peers, measure_peers(url, peers, count, budget_s), results)


def report_peers(peers: list[Peer], timings: list[list[float]], results: list[Result]) -> None:
    print("  peers' methods on the same messages (their SQL on one psycopg connection) vs our route (app)")
    print(f"  {'peer method':<46} {'n':>4} {'p50':>9} {'p99':>9}   {'our route':<34} {'app p50':>8}"
          f" {'app p99':>8} {'sql p50':>8}   peer/ours: {'p50':>7} {'p99':>7} {'vs sql':>7}")  # fmt: skip
    for peer, samples in zip(peers, timings, strict=True):
        ours = next(r for r in results if r.case.name.startswith(peer.ours))
        p50, p99 = percentile(samples, 0.5), percentile(samples, 0.99)
        o50, o99, s50 = percentile(ours.app, 0.5), percentile(ours.app, 0.99), percentile(ours.sql, 0.5)
        print(f"  {peer.name:<46} {len(samples):>4} {p50:>9.2f} {p99:>9.2f}   {peer.ours:<34} {o50:>8.2f}"
              f" {o99:>8.2f} {s50:>8.2f}   {'':>10} {p50 / o50:>6.2f}x {p99 / o99:>6.2f}x"
              f" {p50 / s50:>6.2f}x")  # fmt: skip
    print("  (ms; GOWA = go-whatsapp-web-multidevice's substring search, newest 30 first, no accent folding;")
    print(
        "   Evolution = Evolution API's lookup of a message by id in its JSON documents, here a copy of the"
    )
    print("   same messages with only its instance index; OFFSET = the page skipped to, same depths;")
    print("   peer/ours > 1: the peer's method is slower; vs sql: against our route's own SQL, p50)")


@dataclass(frozen=True)
class SimpleFilters:
    chat: str
    from_ms: int
    to_ms: int

    def filters(self, message_type: str) -> search_db.SearchFilters:
        return search_db.SearchFilters(self.chat, None, self.from_ms, self.to_ms, message_type)


def epoch_ms_of(day: str, end_of_day: bool) -> int:
    from datetime import date

    return epoch_ms(date.fromisoformat(day), end_of_day=end_of_day)


def _unb64(cursor: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))


def bench_app(deps: ApiDeps) -> Any:
    """The real app, plus two no-op routes that show its floor: the framework alone, and with auth."""
    app = create_app(deps)

    def noop() -> dict[str, str]:
        return {}

    app.add_api_route("/bench/noop", noop)
    app.add_api_route("/bench/noop-auth", noop, dependencies=Authenticated)
    return app


def floor_cases(deps: ApiDeps, token: str) -> list[Case]:
    secret = hashlib.sha256(token.encode()).digest()
    return [
        Case("floor: no-op route, no auth", "floor", [("/bench/noop", {})], 200, lambda _, __: None),
        Case("floor: no-op route + bearer auth", "floor", [("/bench/noop-auth", {})], 200,
             lambda conn, _: auth_store.find_credential(conn, secret)),
    ]  # fmt: skip


async def measure_app(
    deps: ApiDeps, token: str, all_cases: list[Case], count: int, budget_s: float
) -> list[list[float]]:
    caller = AsgiCaller(bench_app(deps), {"Authorization": f"Bearer {token}"})
    for path, params in next(c for c in all_cases if c.kind == "redirect-hit").requests:
        await caller.get(path, params)  # the hit case's URLs are cached before it runs
    return [await time_app(caller, case, count, budget_s) for case in all_cases]


def measure(url: str, deps: ApiDeps, all_cases: list[Case], count: int, budget_s: float) -> list[Result]:
    token = auth.create_token(deps, "api-bench", 1).secret
    all_cases = floor_cases(deps, token) + all_cases
    app = asyncio.run(measure_app(deps, token, all_cases, count, budget_s))
    with psycopg.connect(url, autocommit=True) as conn:
        sql = [time_sql(conn, case, count, budget_s) for case in all_cases]
    return [Result(case, a, s) for case, a, s in zip(all_cases, app, sql, strict=True)]


def report(results: list[Result]) -> None:
    header = f"  {'case':<44} {'n':>4} {'app p50':>8} {'app p99':>8} {'sql p50':>8} {'sql p99':>8}"
    print(header + f" {'app-sql':>8}  target")
    for result in results:
        app50, app99 = percentile(result.app, 0.5), percentile(result.app, 0.99)
        sql50, sql99 = percentile(result.sql, 0.5), percentile(result.sql, 0.99)
        target = TARGETS.get(result.case.kind)
        verdict = ""
        if target:
            value = app50 if target[0] == "p50" else app99
            verdict = f"{target[0]} < {target[1]:g} ms: {'met' if value < target[1] else 'MISSED'}"
        print(
            f"  {result.case.name:<44} {len(result.app):>4} {app50:>8.2f} {app99:>8.2f}"
            f" {sql50:>8.2f} {sql99:>8.2f} {statistics.median(result.app) - sql50:>8.2f}  {verdict}"
        )
    print("  (ms; app = the request through the FastAPI app in process (ASGI, no HTTP client or server),")
    print("   bearer auth included; sql = the route's main query, or its Redis/S3 calls, directly on one")
    print("   psycopg connection; app-sql = app p50 - sql p50: what the app adds)")


def database_size(url: str) -> str:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT pg_size_pretty(pg_database_size(current_database())),"
            " pg_size_pretty(pg_total_relation_size('messages'))"
        ).fetchone()
    assert row is not None
    return f"database {row[0]}, messages table with indexes {row[1]}"


# --- media stream: through the API (HTTP to uvicorn) vs straight from the S3 server ----------------


@dataclass
class Transfer:
    ttfb_ms: float
    mib_s: float


def stream_subject(deps: ApiDeps, url: str, size_mib: int) -> tuple[str, str, ObjectStore]:
    """A `size_mib` MiB video in the media bucket with its media row: (file id, key, store)."""
    store = ObjectStore(make_s3_client(deps.settings), deps.settings.minio_bucket)
    file_id = f"benchstream{uuid.uuid4().hex[:12]}"
    key = f"bench-stream/{file_id}.mp4"
    store.put(key, random.Random(file_id).randbytes(size_mib * MiB), "video/mp4")
    with psycopg.connect(url) as conn:
        conn.execute(
            "INSERT INTO media (session_id, file_id, chat_jid, message_id, bucket_key, mime, size, status)"
            " VALUES (%s, %s, %s, %s, %s, 'video/mp4', %s, 'stored')",
            (SESSION, file_id, ME, f"M{file_id}", key, size_mib * MiB),
        )
    return file_id, key, store


class ApiProcess:
    """`python -m deeplens.entrypoints.local_api` (uvicorn) on a free port, MEDIA_DELIVERY=stream."""

    def __init__(self, env: dict[str, str], url: str) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.base_url = f"http://127.0.0.1:{self.port}"
        variables = {
            **os.environ, **env, "DATABASE_URL": url, "PORT": str(self.port), "SESSION_ID": SESSION,
            "ADMIN_PASSWORD": "bench-" + uuid.uuid4().hex, "FRONTEND_DIR": "/nonexistent",
            "MEDIA_DELIVERY": "stream",
        }  # fmt: skip
        command = [sys.executable, "-m", "deeplens.entrypoints.local_api"]
        self.process = subprocess.Popen(
            command, env=variables, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base_url}/api/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise SystemExit("the local API did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)


def timed_get(http: httpx.Client, url: str, headers: dict[str, str], size: int) -> Transfer:
    """One GET read to the end in CHUNK_SIZE pieces: time to first byte and MiB/s overall."""
    started = time.perf_counter()
    first, received = 0.0, 0
    with http.stream("GET", url, headers=headers) as reply:
        if reply.status_code != 200:
            raise SystemExit(f"{url.split('?', maxsplit=1)[0]} answered {reply.status_code}")
        for chunk in reply.iter_raw(CHUNK_SIZE):
            if not received:
                first = time.perf_counter()
            received += len(chunk)
    elapsed = time.perf_counter() - started
    if received != size:
        raise SystemExit(f"{url.split('?', maxsplit=1)[0]}: {received} bytes, expected {size}")
    return Transfer((first - started) * 1000, received / elapsed / MiB)


def measure_stream(env: dict[str, str], url: str, deps: ApiDeps, size_mib: int, runs: int) -> None:
    """Alternating runs (so both paths share the machine's load): the API over HTTP, then the same
    object from the S3 server by a presigned URL, with the same HTTP client. Besides wall-clock
    figures (which a loaded machine moves a lot), the CPU time each server process spent per MiB."""
    file_id, key, store = stream_subject(deps, url, size_mib)
    token = auth.create_token(deps, "api-bench-stream", 1).secret
    api = ApiProcess(env, url)
    s3_server = read_pid(StackConfig.load("test").dir("s3rver") / "s3rver.pid")
    try:
        direct = store.presign_get(key, 3600)
        through = f"{api.base_url}/api/media/{file_id}"
        bearer = {"Authorization": f"Bearer {token}"}
        figures: dict[str, list[Transfer]] = {"api": [], "s3": []}
        cpu = {"api": 0.0, "api:s3": 0.0, "s3": 0.0}
        with httpx.Client(timeout=120) as http:
            for number in range(-1, runs):  # run -1: warm-up, not kept
                before = cpu_seconds(api.process.pid), cpu_seconds(s3_server)
                via_api = timed_get(http, through, bearer, size_mib * MiB)
                middle = cpu_seconds(api.process.pid), cpu_seconds(s3_server)
                via_s3 = timed_get(http, direct, {}, size_mib * MiB)
                after = cpu_seconds(s3_server)
                if number >= 0:
                    figures["api"].append(via_api)
                    figures["s3"].append(via_s3)
                    cpu["api"] += middle[0] - before[0]
                    cpu["api:s3"] += middle[1] - before[1]
                    cpu["s3"] += after - middle[1]
        report_stream(figures, size_mib)
        per_mib = {name: seconds * 1000 / (runs * size_mib) for name, seconds in cpu.items()}
        print(
            f"    CPU per MiB: API process {per_mib['api']:.2f} ms (+ S3 server {per_mib['api:s3']:.2f} ms);"
            f" S3 server alone {per_mib['s3']:.2f} ms"
        )
    finally:
        api.stop()
        store.delete(key)


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process so far (0 when it is not known)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report_stream(figures: dict[str, list[Transfer]], size_mib: int) -> None:
    api_rate = statistics.median(t.mib_s for t in figures["api"])
    s3_rate = statistics.median(t.mib_s for t in figures["s3"])
    ratio = api_rate / s3_rate
    verdict = "met" if ratio >= STREAM_TARGET else "MISSED"
    runs = len(figures["api"])
    print(f"  media stream, {size_mib} MiB video, {runs} runs each (median throughput, p50 first byte):")
    for name, label in (("api", "through the API (uvicorn, HTTP)"), ("s3", "straight from the S3 server")):
        rate = statistics.median(t.mib_s for t in figures[name])
        ttfb = percentile([t.ttfb_ms for t in figures[name]], 0.5)
        print(f"    {label:<34} {rate:>8.1f} MiB/s   TTFB p50 {ttfb:>6.2f} ms")
    print(f"    throughput ratio API / S3: {ratio:.2f}x (target >= {STREAM_TARGET:g}x: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--chats", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per case")
    parser.add_argument(
        "--budget", type=float, default=60.0, help="seconds per case at most (>= 20 requests)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    parser.add_argument("--database", help="reuse a kept database of the same --messages/--chats")
    parser.add_argument("--stream-mib", type=int, default=20, help="size of the streamed video")
    parser.add_argument("--stream-runs", type=int, default=10, help="timed downloads per path")
    parser.add_argument("--media-only", action="store_true", help="only the media stream comparison")
    parser.add_argument("--no-peers", action="store_true", help="skip the peers' methods (GOWA, Evolution)")
    args = parser.parse_args()
    env = up(StackConfig.load("test"), ("s3rver",))["s3rver"]
    admin = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    if args.media_only:
        media_only(env, admin, args.stream_mib, args.stream_runs)
        return
    started = time.perf_counter()
    if args.database:
        url = admin.rsplit("/", 1)[0] + f"/{args.database}"
        apply_migrations(url, MIGRATIONS)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")
        archive = replay_archive(args.messages, args.chats)
        timings: dict[str, float] = {}
    else:
        url = create_database(admin, "bench_api")
        archive, timings = load(url, args.messages, args.chats)
    load_s = time.perf_counter() - started
    deps = api_deps(env, url)
    try:
        with psycopg.connect(url) as conn:
            subjects = find_subjects(conn, archive)
        print(f"API benchmark: {args.messages:,} messages in {args.chats:,} chats ({database_size(url)})")
        print(
            f"  load {load_s:.1f} s: "
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
            + f"; media {archive.counts.get('media', 0):,}, reactions {archive.counts.get('reactions', 0):,},"
            f" versions {archive.counts.get('versions', 0):,}"
        )
        print(f"  load average before measuring: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        results = measure(url, deps, cases(deps, subjects), args.requests, args.budget)
        report(results)
        if not args.no_peers:
            run_peers(url, subjects, results, args.requests, args.budget / 2)
        measure_stream(env, url, deps, args.stream_mib, args.stream_runs)
        print(f"  load average after measuring: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        deps.pool.close()
        if args.keep:
            print(f"  kept database {url.rsplit('/', 1)[1]}")
        else:
            drop_database(admin, url)


def media_only(env: dict[str, str], admin: str, size_mib: int, runs: int) -> None:
    url = create_database(admin, "bench_api")
    deps = api_deps(env, url)
    try:
        print(f"API benchmark, media stream only (load average {os.getloadavg()[0]:.2f})")
        measure_stream(env, url, deps, size_mib, runs)
    finally:
        deps.pool.close()
        drop_database(admin, url)


def replay_archive(messages: int, chat_count: int) -> Archive:
    """The generated archive's metadata again (same seed), without loading it."""
    rng = random.Random(7)
    chats, people = make_chats(chat_count, rng)
    archive = Archive(messages, chats, people, tail_words(5000, rng))
    rows = MessageRows(archive, rng)
    for _ in rows.chunks():
        pass
    return archive


if __name__ == "__main__":
    main()
