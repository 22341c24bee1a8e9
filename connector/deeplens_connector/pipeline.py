"""The one path every source event takes, live or replayed: translate -> tracking -> media -> publisher.

neonize callbacks only `offer()` the raw proto (a bounded queue: callbacks never do I/O); one
pipeline thread translates in arrival order, applies the tracking policy, hands media to the
worker pool and submits the rest to the publisher. One bad event is logged and skipped.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from deeplens.domain.envelope import Event, MessageSeen

from deeplens_connector.chunk_worker import ChunkWorkers
from deeplens_connector.media import MediaPool, Outcome, apply_outcome
from deeplens_connector.polls import PollVotes
from deeplens_connector.publish.encoded import Encoded
from deeplens_connector.tracking import Tracking
from deeplens_connector.translate import (
    ChatDiff,
    ContactDiff,
    HistoryProgress,
    MediaRef,
    TranslationError,
    history_chats,
    history_media_refs,
    history_progress,
    live_media_ref,
    participants_changed,
    translate_call,
    translate_chat_sweep,
    translate_group_info,
    translate_group_snapshot,
    translate_history,
    translate_joined_group,
    translate_message,
    translate_newsletter_join,
    translate_receipt,
    translate_store_contacts,
    translate_undecryptable,
)
from deeplens_connector.translate.chat_state import ChatStateDiff, translate_store_chat_states
from deeplens_connector.unsealing import Reopened, Unsealer

log = logging.getLogger("deeplens.connector.pipeline")
PUBLISH_AT_ONCE = 250  # events handed to the publisher together (its batches are 500 by default)
Translated = tuple[Iterable[Event | Encoded | TranslationError], dict[str, MediaRef]]


@dataclass(frozen=True)
class Context:
    session: str
    own_jid: str | None
    now_ms: int


@dataclass
class PipelineHooks:
    """What the pipeline may ask of the client (None in replay: no WhatsApp to ask)."""

    history_progress: Callable[[HistoryProgress], None] | None = None
    fetch_group: Callable[[Any], Any] | None = None  # JID proto -> GroupInfo (client.get_group_info)
    read_contacts: Callable[[], Iterable[Any]] | None = None  # client.contact.get_all_contacts
    decrypt_poll_vote: Callable[[Any], Any] | None = None  # MessageEv -> PollVoteMessage
    read_chat_settings: Callable[[str], Iterable[Any]] | None = None  # own JID -> chat_settings rows
    seen: Callable[..., None] | None = None  # chats and senders of tracked chats (pictures.want)
    joined_groups: Callable[[], Iterable[Any]] | None = None  # chat_reads.joined_groups
    subscribed_newsletters: Callable[[], Iterable[Any]] | None = None  # chat_reads.subscribed_newsletters


class Pipeline:
    def __init__(
        self,
        session: str,
        tracking: Tracking,
        media: MediaPool,
        publish: Callable[[Event | Encoded], None],
        *,
        own_jid: Callable[[], str | None],
        hooks: PipelineHooks | None = None,
        inbox_size: int = 10_000,
        pending_history: int = 2,
        workers: ChunkWorkers | None = None,
        clock: Callable[[], float] = time.time,
        publish_many: Callable[[list[Event | Encoded]], None] | None = None,
        unsealer: Unsealer | None = None,
        hold_many: Callable[[list[Event | Encoded]], None] | None = None,
    ) -> None:
        self.session = session
        self._tracking = tracking
        self._media = media
        self._publish = publish
        self._publish_many = publish_many or self._publish_each
        self._out: list[Event | Encoded] = []  # routed, handed to the publisher PUBLISH_AT_ONCE at a time
        self._hold_many = hold_many  # None: untracked content is dropped (UNTRACKED_RETENTION_DAYS=0)
        self._held: list[Event | Encoded] = []  # untracked chats' content, held beside the log
        self._own_jid = own_jid
        self._hooks = hooks or PipelineHooks()
        self._votes = PollVotes(self._hooks.decrypt_poll_vote)
        self._unsealer = unsealer or Unsealer()  # sealed edits/reactions/comments (unsealing.py)
        self._contacts = ContactDiff()
        self._chat_states = ChatStateDiff()  # what the last read of the store's chat settings said
        self._swept = ChatDiff()  # what the chat sweep published (translate/sweep.py)
        self._inbox: queue.Queue[tuple[str, Any] | None] = queue.Queue(maxsize=inbox_size)
        # A history chunk is one inbox item but thousands of messages (MBs once parsed): when the
        # phone (or a replay) sends them faster than they are translated, only this many wait.
        # Without it a 50,000-message replay held every chunk parsed at once (+60-85 MB peak RSS).
        self._history_slots = threading.BoundedSemaphore(pending_history)
        self._clock = clock
        self._workers = workers  # None: history chunks are translated in the pipeline thread
        self._chunks: deque[_Chunk] = deque()  # out at a worker, routed in arrival order
        self._thread = threading.Thread(target=self._run, name="pipeline", daemon=True)
        self.handled = 0

    def start(self) -> Pipeline:
        self._thread.start()
        return self

    def offer(self, kind: str, proto: Any) -> None:
        """Called on neonize's callback thread: enqueue only (blocks only when 10,000 events or
        `pending_history` history chunks wait)."""
        if kind == "history":
            self._history_slots.acquire()
        self._inbox.put((kind, proto))

    def try_offer(self, kind: str, proto: Any) -> bool:
        """offer() for a thread that must not block (the main thread, free for signals)."""
        try:
            self._inbox.put_nowait((kind, proto))
        except queue.Full:
            return False
        return True

    def close(self, timeout_s: float = 30.0) -> bool:
        """Translate and route what is queued within `timeout_s`; True when all of it was. Media
        still downloading is the pool's to finish or leave pending (MediaPool.close)."""
        self._inbox.put(None)
        self._thread.join(timeout_s)
        if self._workers is not None:
            self._workers.close()
        return not self._thread.is_alive()

    def _run(self) -> None:
        while (item := self._next()) is not None:
            kind, proto = item
            if kind == "history" and self._workers is not None:
                self._offload(proto)
                continue
            self._finish_chunks()  # what arrived before this event is routed before it
            try:
                self.handle(kind, proto)
            except Exception:
                log.exception("event not handled", extra={"event": kind})
            if kind == "history":
                self._history_slots.release()
            self.handled += 1
        self._finish_chunks()

    def _next(self) -> tuple[str, Any] | None:
        """The next inbox item; meanwhile each chunk out at a worker is routed once it is back."""
        while self._chunks:
            try:
                return self._inbox.get(timeout=0.02)
            except queue.Empty:
                self._finish_chunks(ready_only=True)
        return self._inbox.get()

    def _context(self) -> Context:
        return Context(self.session, self._own_jid(), int(self._clock() * 1000))

    def handle(self, kind: str, proto: Any) -> None:
        context = self._context()
        try:
            items, refs = _TRANSLATORS[kind](self, proto, context)
        except TranslationError as error:
            log.warning("event dropped: cannot translate", extra={"reason": str(error)})
            return
        self._route_all(items, refs)

    def _route_all(
        self, items: Iterable[Event | Encoded | TranslationError], refs: dict[str, MediaRef]
    ) -> None:
        try:
            for item in items:
                if isinstance(item, TranslationError):
                    log.warning("event dropped: cannot translate", extra={"reason": str(item)})
                else:
                    self._route(item, refs)
        finally:
            self._flush()

    def _flush(self) -> None:
        if self._out:
            out, self._out = self._out, []
            self._publish_many(out)
        if self._held and self._hold_many is not None:
            held, self._held = self._held, []
            self._hold_many(held)

    def _publish_each(self, events: list[Event | Encoded]) -> None:
        for event in events:
            self._publish(event)

    def _route(self, event: Event | Encoded, refs: dict[str, MediaRef]) -> None:
        """Publish (in _route_all's flush), hand to the media pool, or drop, as tracking decides."""
        if isinstance(event, MessageSeen):
            self._votes.remember(event)
        decision = self._tracking.decide(event)
        if decision.announce is not None:
            self._out.append(decision.announce)  # ahead of the event (its media may take a while)
        if decision.hold and self._hold_many is not None:
            self._held.append(_held(event))
        published = decision.publish
        if published is None:
            return
        if published is event and self._hooks.seen is not None:
            _faces_of(self._hooks.seen, event)
        if not isinstance(published, MessageSeen) or published.media is None:
            self._out.append(published)  # one publisher hand-over (queue put, wake-up) per batch
            if len(self._out) >= PUBLISH_AT_ONCE:
                self._flush()
            return
        ref = refs.get(published.media.file_id)
        if decision.download and ref is not None:
            self._media.enqueue(published, ref)
        else:
            reason = "auto_download_media is off for this chat" if ref else "nothing to download"
            self._media.skip(published, reason)

    # --- one translator per neonize event -------------------------------------------------

    def _message(self, ev: Any, c: Context) -> Translated:
        vote = self._votes.vote_of(ev)  # a live poll vote: decrypted through the client
        unsealed = self._unsealer.open(ev)  # sealed with its original's secret: opened here
        waited = self._reopened(self._unsealer.learn(ev), c)  # sealed messages that waited for this one
        try:
            events = translate_message(
                ev, session=c.session, own_jid=c.own_jid, now_ms=c.now_ms, vote=vote, unsealed=unsealed
            )
        except TranslationError as error:  # its secret is learnt all the same
            return [error, *waited], {}
        ref = live_media_ref(ev, session=c.session)
        return [*events, *waited], ({ref.file_id: ref} if ref else {})

    def _reopened(self, waited: list[Reopened], c: Context) -> list[Event | TranslationError]:
        """The events of sealed messages that waited for their original, opened now."""
        out: list[Event | TranslationError] = []
        for ev, unsealed in waited:
            try:
                out += translate_message(
                    ev, session=c.session, own_jid=c.own_jid, now_ms=c.now_ms, unsealed=unsealed
                )
            except TranslationError as error:
                out.append(error)
        return out

    def _reopened_by_history(self, data: Any, c: Context) -> Iterator[Event | TranslationError]:
        """After a history chunk's own events (lazily): what waited for one of its messages."""
        yield from self._reopened(self._unsealer.learn_history(data, c.own_jid), c)

    def _history(self, ev: Any, c: Context) -> Translated:
        if self._hooks.history_progress is not None:
            self._hooks.history_progress(history_progress(ev.Data))
        items, refs = self._history_here(ev.Data, c)
        return itertools.chain(items, self._reopened_by_history(ev.Data, c)), refs

    def _history_here(self, data: Any, c: Context) -> Translated:
        refs = {ref.file_id: ref for ref in history_media_refs(data, session=c.session)}
        self._tracking.prefetch(history_chats(data))  # every chat's policy in two round trips
        return translate_history(data, session=c.session, own_jid=c.own_jid, now_ms=c.now_ms), refs

    # --- history chunks at the workers ----------------------------------------------------

    def _offload(self, ev: Any) -> None:
        assert self._workers is not None
        data, context = ev.Data, self._context()
        if self._hooks.history_progress is not None:
            self._hooks.history_progress(history_progress(data))
        try:
            future = self._workers.submit(data, context.session, context.own_jid, context.now_ms)
        except Exception as error:  # the pool is broken or shut down: the chunk is translated here
            log.warning("history chunk not sent to a worker", extra={"error": str(error)})
            future = None
        self._chunks.append(_Chunk(data, context, future))
        self._finish_chunks(ready_only=True)

    def _finish_chunks(self, ready_only: bool = False) -> None:
        while self._chunks and not (ready_only and self._chunks[0].pending()):
            chunk = self._chunks.popleft()
            try:
                items, refs = self._chunk_events(chunk)
                self._route_all(
                    itertools.chain(items, self._reopened_by_history(chunk.data, chunk.context)), refs
                )
            except Exception:
                log.exception("event not handled", extra={"event": "history"})
            self._history_slots.release()
            self.handled += 1

    def _chunk_events(self, chunk: _Chunk) -> Translated:
        if chunk.future is None:
            return self._history_here(chunk.data, chunk.context)
        try:
            items, refs = chunk.future.result()
        except Exception as error:  # a worker died (BrokenProcessPool), ...: translate it here
            log.warning("history chunk translated in the pipeline thread", extra={"error": str(error)})
            return self._history_here(chunk.data, chunk.context)
        self._tracking.prefetch(history_chats(chunk.data))
        return items, {ref.file_id: ref for ref in refs}

    def _group_info(self, ev: Any, c: Context) -> Translated:
        events: list[Event] = translate_group_info(ev, session=c.session, now_ms=c.now_ms)
        if participants_changed(ev) and self._hooks.fetch_group is not None:
            snapshot = self._hooks.fetch_group(ev.JID)  # the member list is only known in full
            events += translate_group_snapshot(snapshot, session=c.session, now_ms=c.now_ms)
        return events, {}

    def _store_contacts(self, _ev: Any, c: Context) -> Translated:
        """The contact store (filled by the time of OfflineSyncCompletedEv): names new since the last read."""
        if self._hooks.read_contacts is None:  # a replay: no store (reading it would crash Go)
            return [], {}
        items = translate_store_contacts(self._hooks.read_contacts(), session=c.session, now_ms=c.now_ms)
        return [i for i in items if isinstance(i, TranslationError) or self._contacts.changed(i)], {}

    def _offline_synced(self, ev: Any, c: Context) -> Translated:
        """OfflineSyncCompletedEv (after each connect), and the live runtime's periodic re-read
        (`reread_stores`): the contact store's new names, then every joined group and followed
        channel, so silent chats are listed too and kept current between connects
        (translate/sweep.py). Only what changed since the last read is published; a replay has no
        read hooks, so nothing is read."""
        contacts, _ = self._store_contacts(ev, c)
        return [*contacts, *self._sweep_chats(c)], {}

    def _sweep_chats(self, c: Context) -> list[Event | TranslationError]:
        if self._hooks.joined_groups is None:  # a replay: no client to ask, nothing to list
            return []
        groups = _read_client("joined groups", self._hooks.joined_groups)
        newsletters = _read_client("followed channels", self._hooks.subscribed_newsletters)
        groups, newsletters = self._swept.new_snapshots(groups), self._swept.new_snapshots(newsletters)
        swept = translate_chat_sweep(groups, newsletters, session=c.session, now_ms=c.now_ms)
        return [item for item in swept if self._swept.changed(item)]

    def _chat_settings(self, _ev: Any, c: Context) -> Translated:
        """Archived/pinned/muted as whatsmeow's store has them now (chat_settings.py): what changed
        since the last read (the first read of a process: every chat with settings)."""
        read = self._hooks.read_chat_settings
        if read is None or c.own_jid is None:  # a replay, or not logged in yet: no store to read
            return [], {}
        own_jid = c.own_jid
        rows = _read_client("chat settings", lambda: read(own_jid))
        items = translate_store_chat_states(rows, session=c.session, now_ms=c.now_ms)
        return [i for i in items if isinstance(i, TranslationError) or self._chat_states.changed(i)], {}

    def _simple(self, translate: Callable[..., list[Event]], ev: Any, c: Context) -> Translated:
        return translate(ev, session=c.session, now_ms=c.now_ms), {}


def _read_client(what: str, read: Callable[[], Iterable[Any]] | None) -> list[Any]:
    """A client read for the sweep; [] in a replay (no client to ask) or when it fails."""
    if read is None:
        return []
    try:
        return list(read())
    except Exception as error:  # GetJoinedGroupsError, not connected, ...: the next connect retries
        log.warning("chat sweep: read failed", extra={"read": what, "error": str(error)})
        return []


NOT_DOWNLOADED = "the chat was untracked when it arrived: its media was not downloaded"


def _faces_of(seen: Callable[..., None], event: Event | Encoded) -> None:
    """A tracked chat's message names the chat and its sender, whose pictures are wanted."""
    if isinstance(event, MessageSeen):
        seen(event.chat_jid, event.sender_jid)
    elif isinstance(event, Encoded) and event.message is not None and event.chat is not None:
        seen(event.chat[0])


def _held(event: Event | Encoded) -> Event | Encoded:
    """What is held of an untracked chat's event: a live message's media is marked skipped (nothing
    is downloaded for an untracked chat), the rest as it is."""
    if isinstance(event, MessageSeen) and event.media is not None:
        return apply_outcome(event, Outcome("skipped", error=NOT_DOWNLOADED))
    return event


@dataclass
class _Chunk:
    data: Any  # the HistorySync (kept for the tracking prefetch, and in case the worker fails)
    context: Context
    future: Future[tuple[list[Any], list[Any]]] | None

    def pending(self) -> bool:
        return self.future is not None and not self.future.done()


_TRANSLATORS: dict[str, Callable[[Pipeline, Any, Context], Translated]] = {
    "message": Pipeline._message,
    "history": Pipeline._history,
    "group_info": Pipeline._group_info,
    "reread_stores": Pipeline._offline_synced,  # runtime: every CONTACTS_REREAD_S while connected
    "chat_settings": Pipeline._chat_settings,
    "offline_synced": Pipeline._offline_synced,
    "undecryptable": lambda p, ev, c: (
        translate_undecryptable(ev, session=c.session, own_jid=c.own_jid, now_ms=c.now_ms),
        {},
    ),
    "receipt": lambda p, ev, c: p._simple(translate_receipt, ev, c),
    "call": lambda p, ev, c: (
        translate_call(ev, session=c.session, own_jid=c.own_jid, now_ms=c.now_ms),
        {},
    ),
    "joined_group": lambda p, ev, c: p._simple(translate_joined_group, ev, c),
    "newsletter_join": lambda p, ev, c: p._simple(translate_newsletter_join, ev, c),
}
