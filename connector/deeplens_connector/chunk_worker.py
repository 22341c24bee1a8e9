"""History chunks translated in worker processes, so translation is not bound by the one GIL.

A history sync is thousands of messages per HistorySync chunk, and translating them (protobuf
walks, pydantic validation) was more than half of the connector's CPU, all of it on the pipeline
thread, in the same process as the dispatcher, the batcher and the uploads. The pipeline sends
each chunk (protobuf bytes) to a worker and routes the events it gets back, in order, while the
worker translates the next chunk. Live events stay in the pipeline thread (small, latency-bound).

The worker imports neonize's generated protobuf modules only: `neonize/__init__.py` imports the
client, which loads the Go library (~63 MB RSS and Go runtime threads) that a worker never calls,
so `boot()` registers a bare `neonize` package first. Workers are spawned, never forked (a fork
of a process running Go threads is not safe).
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import sys
import types
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any


def boot() -> None:
    """Worker initializer: neonize's protobufs without its client (see the module docstring)."""
    if "neonize" not in sys.modules:
        spec = importlib.util.find_spec("neonize")
        if spec is not None and spec.submodule_search_locations is not None:
            package = types.ModuleType("neonize")
            package.__path__ = list(spec.submodule_search_locations)
            sys.modules["neonize"] = package
    import deeplens_connector.translate  # noqa: F401  (the imports once, not on the first chunk)


def translate_chunk(
    data: bytes, session: str, own_jid: str | None, now_ms: int
) -> tuple[list[Any], list[Any]]:
    """In the worker: every event (or TranslationError) of one chunk, and its media refs."""
    from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as HS

    from deeplens_connector.translate import history_media_refs, translate_history

    hs = HS.HistorySync.FromString(data)
    items = [encoded(item) for item in translate_history(hs, session=session, own_jid=own_jid, now_ms=now_ms)]
    return items, list(history_media_refs(hs, session=session))


def encoded(item: Any) -> Any:
    """An event as its batch line (a TranslationError, a message with media or a poll: as it is)."""
    from deeplens.domain.envelope import MessageSeen

    from deeplens_connector.publish.encoded import Encoded, MessageHeader, event_line
    from deeplens_connector.tracking import chat_of

    if isinstance(item, Exception):
        return item
    if isinstance(item, MessageSeen):
        if item.media is not None or item.poll is not None:
            return item  # the media worker, the poll-vote names need the model
        header = MessageHeader(item.session, item.occurred_at_ms, item.source, item.timestamp_ms)
        return Encoded(event_line(item), item.kind, chat_of(item), header)
    return Encoded(event_line(item), item.kind, chat_of(item))


class ChunkWorkers:
    """The worker processes (spawned at once, so their imports overlap the connect)."""

    def __init__(self, workers: int) -> None:
        self._executor = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn"), initializer=boot
        )
        for _ in range(workers):
            self._executor.submit(int)  # start them now: imports take ~1 s

    def submit(
        self, hs: Any, session: str, own_jid: str | None, now_ms: int
    ) -> Future[tuple[list[Any], list[Any]]]:
        return self._executor.submit(translate_chunk, hs.SerializeToString(), session, own_jid, now_ms)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
