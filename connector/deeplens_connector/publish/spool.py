"""The connector's durable local spool: every batch is written here (fsync'd) before it is
uploaded, and removed only once the bucket and the queue both have it. A crash, or S3/SQS being
unreachable, loses nothing; the spool drains in write order when they come back.

A second kind of batch, held (its name ends `.{user~server}.batch`): the content of an untracked
chat, uploaded to the log's `untracked/` prefix and never enqueued (retro-tracking).

Two side folders: `rejected/` holds events that could not be serialised (one JSON record each, with
the reason), uploaded beside the event log; `dead/` holds batches the queue refused even as a bare
pointer, kept for a person (the batch object is in the log already, so reconcile still applies it)."""

from __future__ import annotations

import fcntl
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO

_NAME = re.compile(
    r"^(?P<seq>\d{12})_(?P<at>\d{13})_(?P<count>\d{1,7})_(?P<batch>[A-Za-z0-9_-]{1,128})"
    r"(?:\.(?P<chat>[a-z0-9-]{1,64}~[a-z.]{1,32}))?\.batch$"
)


class SpoolBusy(Exception):
    """Another process (a second connector for the same account?) holds this spool."""


class SpoolFull(Exception):
    """The spool reached its size bound: the caller keeps the batch and tries again later."""


@dataclass(frozen=True)
class SpooledBatch:
    path: Path
    seq: int
    at_ms: int
    count: int
    batch_id: str
    # A held batch: the content of this untracked chat (domain.batch.chat_segment), never enqueued.
    chat_segment: str | None = None

    def read(self) -> bytes:
        return self.path.read_bytes()


class Spool:
    def __init__(self, directory: Path, max_bytes: int) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        directory.mkdir(parents=True, exist_ok=True)
        self._lock = _exclusive_lock(directory / ".lock")
        self._discard_partial_writes()
        pending = self.pending()
        self._next_seq = pending[-1].seq + 1 if pending else 1
        self._bytes = sum(batch.path.stat().st_size for batch in pending)

    def _discard_partial_writes(self) -> None:
        for leftover in [*self.directory.glob("*.tmp"), *self.directory.glob("rejected/*.tmp")]:
            leftover.unlink()  # a crash mid-write: never acknowledged

    def append(
        self, data: bytes, at_ms: int, count: int, batch_id: str, chat_segment: str | None = None
    ) -> SpooledBatch:
        if self._bytes + len(data) > self.max_bytes:
            raise SpoolFull(f"spool {self.directory} holds {self._bytes} bytes (bound {self.max_bytes})")
        held = f".{chat_segment}" if chat_segment else ""
        name = f"{self._next_seq:012d}_{at_ms:013d}_{count}_{batch_id}{held}.batch"
        final = self._write_durably(self.directory, name, data)
        spooled = SpooledBatch(final, self._next_seq, at_ms, count, batch_id, chat_segment)
        self._next_seq += 1
        self._bytes += len(data)
        return spooled

    def reject(self, name: str, record: bytes) -> Path:
        """Keeps one set-aside event record (durably) until it is uploaded."""
        return self._write_durably(self.directory / "rejected", name, record)

    def rejected(self) -> list[Path]:
        """Set-aside event records not uploaded yet, oldest first."""
        return sorted((self.directory / "rejected").glob("*.json"))

    def forget_rejected(self, path: Path) -> None:
        path.unlink()
        self._fsync_directory(path.parent)

    def dead_letter(self, batch: SpooledBatch) -> Path:
        """Moves a batch out of the drain order into `dead/`; it is not retried again."""
        dead = self.directory / "dead"
        dead.mkdir(exist_ok=True)
        size = batch.path.stat().st_size
        target = dead / batch.path.name
        batch.path.rename(target)
        self._fsync_directory(dead)
        self._fsync_directory()
        self._bytes -= size
        return target

    def dead(self) -> list[Path]:
        return sorted((self.directory / "dead").glob("*.batch"))

    def _write_durably(self, folder: Path, name: str, data: bytes) -> Path:
        """Write to a temporary name, fsync, rename, fsync the folder: all or nothing."""
        folder.mkdir(exist_ok=True)
        temporary = folder / (name + ".tmp")
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        final = folder / name
        temporary.rename(final)
        self._fsync_directory(folder)
        return final

    def pending(self) -> list[SpooledBatch]:
        """Spooled batches, oldest first."""
        batches = [_parse(path) for path in self.directory.glob("*.batch")]
        return sorted((b for b in batches if b is not None), key=lambda batch: batch.seq)

    def remove(self, batch: SpooledBatch) -> None:
        size = batch.path.stat().st_size
        batch.path.unlink()
        self._fsync_directory()
        self._bytes -= size

    def close(self) -> None:
        """Release the spool for the next process."""
        self._lock.close()

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def _fsync_directory(self, directory: Path | None = None) -> None:
        descriptor = os.open(directory or self.directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _exclusive_lock(path: Path) -> IO[bytes]:
    handle = path.open("ab")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise SpoolBusy(f"{path.parent} is in use by another process") from None
    return handle


def _parse(path: Path) -> SpooledBatch | None:
    match = _NAME.match(path.name)
    if match is None:
        return None
    return SpooledBatch(
        path, int(match["seq"]), int(match["at"]), int(match["count"]), match["batch"], match["chat"]
    )
