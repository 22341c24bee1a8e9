"""Export benchmark: one chat of 200,000 messages (and a 200-message chat beside it) exported by the
real command (`python -m deeplens.entrypoints.export`, a child process) into a local zip: wall time
and the child's own peak RSS (VmHWM; target < 200 MB, and about the same for both sizes: flat memory), the
size of the zip and of its largest HTML page (a page opens as fast whatever the chat's size).

    .venv/bin/python bench/export_bench.py [--messages 200000] [--files 300] [--format html,json,txt]

A fresh migrated database is filled with COPY (text of varying length, every 50th message edited,
every 20th reacted to, every 30th a reply, `--files` images stored in the bucket as 40 KiB objects);
the search indexes are dropped first (an export does not use them). It is dropped at the end.
Figures are printed; nothing is asserted (speed is not a test)."""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.settings import S3Settings, load_settings
from devstack.config import StackConfig
from devstack.databases import create_database, drop_database
from devstack.stack import up

ROOT = Path(__file__).resolve().parents[1]
SESSION = "bench_export"
BIG = "4915100000001@s.whatsapp.net"
SMALL = "4915100000002@s.whatsapp.net"
ME = "4917000000001@s.whatsapp.net"
T0 = 1_600_000_000_000
_VOCABULARY = "hallo wie geht es dir gut danke meeting morgen um zehn lunch pizza sushi bild schau mal ok"
WORDS = _VOCABULARY.split(" ")


def text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 40)))


def message_rows(chat: str, count: int, files: int, rng: random.Random) -> Iterator[str]:
    """COPY text of `messages`: one per ~2 minutes on average (so 200,000 span ~9 months)."""
    at = T0
    media_every = max(1, count // files) if files else 0
    for n in range(count):
        at += rng.randint(1_000, 240_000)
        sender = ME if n % 3 == 0 else chat
        file_id = f"F{n:015d}" if media_every and n % media_every == 0 and n // media_every < files else r"\N"
        kind = "image" if file_id != r"\N" else "text"
        quoted = f"M{n - 5:07d}" if n % 30 == 29 else r"\N"
        edited = str(at + 60_000) if n % 50 == 0 else r"\N"
        yield (
            "\t".join(
                [
                    SESSION,
                    chat,
                    f"M{n:07d}",
                    sender,
                    str(n % 3 == 0).lower(),
                    text(rng),
                    kind,
                    file_id,
                    quoted,
                    str(at),
                    edited,
                ]
            )
            + "\n"
        )


def copy(conn: psycopg.Connection[Any], table: str, columns: str, rows: Iterator[str]) -> None:
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as stream:
        batch: list[str] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 5000:
                stream.write("".join(batch).encode())
                batch.clear()
        stream.write("".join(batch).encode())


def fill(url: str, count: int, files: int, store: ObjectStore) -> None:
    rng = random.Random(7)
    with psycopg.connect(url) as conn:
        conn.execute("DROP INDEX IF EXISTS messages_search, messages_text_trgm")
        for jid, name in ((BIG, "Big chat"), (SMALL, "Small chat")):
            conn.execute(
                "INSERT INTO chats (session_id, jid, name, kind) VALUES (%s, %s, %s, 'direct')",
                (SESSION, jid, name),
            )
        columns = (
            "session_id, chat_jid, id, sender_jid, from_me, text_body, message_type, file_id, quoted_id,"
            ' "timestamp", edited_at'
        )
        copy(conn, "messages", columns, message_rows(BIG, count, files, rng))
        copy(conn, "messages", columns, message_rows(SMALL, 200, 0, rng))
        conn.execute(
            "INSERT INTO message_versions"
            " (session_id, chat_jid, message_id, edited_at, is_original, text_body)"
            " SELECT session_id, chat_jid, id, \"timestamp\", true, 'original ' || id FROM messages"
            " WHERE edited_at IS NOT NULL"
            " UNION ALL SELECT session_id, chat_jid, id, edited_at, false, text_body FROM messages"
            " WHERE edited_at IS NOT NULL"
        )
        conn.execute(
            "INSERT INTO reactions (session_id, chat_jid, message_id, reactor_jid, emoji, reacted_at)"
            " SELECT session_id, chat_jid, id, %s, '👍', \"timestamp\" + 1000 FROM messages"
            " WHERE chat_jid = %s AND right(id, 2)::int %% 20 = 0",
            (ME, BIG),
        )
        conn.execute(
            "INSERT INTO media"
            " (session_id, file_id, chat_jid, message_id, bucket_key, mime, size, width, height, status)"
            " SELECT session_id, file_id, chat_jid, id, 'bench-export/' || file_id || '.jpg',"
            " 'image/jpeg', 40960,"
            " 640, 480, 'stored' FROM messages WHERE file_id IS NOT NULL"
        )
        conn.execute("ANALYZE")
    body = bytes(rng.getrandbits(8) for _ in range(40_960))
    for n in range(files):
        store.put(f"bench-export/F{n * max(1, count // files):015d}.jpg", body, "image/jpeg")


# The export command, run by a wrapper that reports the process's own peak afterwards: VmHWM of
# /proc/self/status is the high-water mark of this process's memory since its exec. The
# rusage that os.wait4 or getrusage(RUSAGE_SELF) give is not: Linux carries ru_maxrss across
# execve, and a child started with vfork (subprocess does when it can) inherits the bench's own
# peak (the filled 200,000 rows) through it. Both are printed.
_REPORT = """
import atexit, resource, sys
peak_file = sys.argv.pop(1)
def report():
    with open("/proc/self/status") as status:
        hwm = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open(peak_file, "w") as out:
        out.write(f"{hwm} {maxrss}")
atexit.register(report)
"""
_CHILD = (
    _REPORT
    + """
import runpy
runpy.run_module("deeplens.entrypoints.export", run_name="__main__", alter_sys=True)
"""
)
# The web UI's job (services/export_jobs.py) on the same chat: the zip streamed into the bucket as
# it is written (ExportStore.stream: a multipart upload, one 8 MiB part in memory, no local file).
_STREAM_CHILD = (
    _REPORT
    + """
from deeplens.bootstrap import export_deps_from
from deeplens.services.export import ExportRequest, write_export
from deeplens.settings import ExportSettings, load_settings
chat, formats, key = sys.argv[1:4]
deps = export_deps_from(load_settings(ExportSettings))
with deps.exports.stream(key) as target:
    write_export(deps, ExportRequest(chats=(chat,), formats=tuple(formats.split(","))), target)
"""
)


def run_export(env: dict[str, str], chat: str, formats: str, out: Path) -> tuple[float, float, float]:
    """Seconds, the child's own peak RSS (VmHWM, MiB) and its ru_maxrss (MiB) of one export, each
    in a fresh process."""
    peak = out.with_suffix(".peak")
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, str(peak), "--chat", chat, "--format", formats, "--out", str(out)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"export of {chat} failed ({child.returncode}): {child.stderr.decode()[-2000:]}")
    hwm_kib, maxrss_kib = (int(part) for part in peak.read_text().split())
    return seconds, hwm_kib / 1024, maxrss_kib / 1024


def run_streamed(env: dict[str, str], chat: str, formats: str, key: str, peak: Path) -> tuple[float, float]:
    """Seconds and the child's own peak RSS (MiB) of the export streamed into the bucket."""
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", _STREAM_CHILD, str(peak), chat, formats, key],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"streamed export failed ({child.returncode}): {child.stderr.decode()[-2000:]}")
    return seconds, int(peak.read_text().split()[0]) / 1024


def largest_page(path: Path) -> tuple[int, int]:
    with zipfile.ZipFile(path) as zipped:
        pages = [info for info in zipped.infolist() if "/pages/" in info.filename]
        return len(pages), max((info.file_size for info in pages), default=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--format", default="html,json,txt")
    args = parser.parse_args()
    env = up(StackConfig.load("test"), ("s3rver",))["s3rver"]
    admin = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    s3 = load_settings(
        S3Settings, **{k.lower(): v for k, v in env.items() if k.lower() in S3Settings.model_fields}
    )
    client = make_s3_client(s3)
    store = ObjectStore(client, s3.minio_bucket)
    url = create_database(admin, "bench_export")
    try:
        started = time.perf_counter()
        fill(url, args.messages, args.files, store)
        load_s = time.perf_counter() - started
        print(f"Export benchmark: {args.messages:,} + 200 messages, {args.files} files (load {load_s:.1f} s)")
        child_env = {**os.environ, **env, "DATABASE_URL": url, "SESSION_ID": SESSION}
        with tempfile.TemporaryDirectory() as folder:
            for label, chat in (("200 messages", SMALL), (f"{args.messages:,} messages", BIG)):
                out = Path(folder) / f"{label.split()[0]}.zip"
                seconds, rss, maxrss = run_export(child_env, chat, args.format, out)
                pages, page_bytes = largest_page(out)
                print(
                    f"  {label}: {seconds:.1f} s, peak RSS {rss:.0f} MiB (the process's own VmHWM;"
                    f" ru_maxrss {maxrss:.0f} MiB),"
                    f" zip {out.stat().st_size / 2**20:.1f} MiB,"
                    f" {pages} pages (largest {page_bytes / 1024:.0f} KiB)"
                )
            key = f"exports/{SESSION}/bench-{os.getpid()}.zip"
            seconds, rss = run_streamed(child_env, BIG, args.format, key, Path(folder) / "streamed.peak")
            size = store.head(key).size
            store.delete(key)
            print(
                f"  {args.messages:,} messages streamed into the bucket (the web job's path):"
                f" {seconds:.1f} s, peak RSS {rss:.0f} MiB, zip {size / 2**20:.1f} MiB"
            )
        print(f"  load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        drop_database(admin, url)
        for n in range(args.files):
            client.delete_object(
                Bucket=s3.minio_bucket,
                Key=f"bench-export/F{n * max(1, args.messages // args.files):015d}.jpg",
            )


if __name__ == "__main__":
    main()
