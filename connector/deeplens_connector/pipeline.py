"""The one path every source event takes, live or replayed: translate -> tracking -> media -> publisher.

neonize callbacks only `offer()` the raw proto (a bounded queue: callbacks never do I/O); one
pipeline thread translates in arrival order, applies the tracking policy, hands media to the
worker pool and submits the rest to the publisher. One bad event is logged and skipped.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from deeplens.domain.envelope import Event, MessageSeen

from deeplens_connector.media import MediaPool
from deeplens_connector.tracking import Tracking
from deeplens_connector.translate import (
    HistoryProgress,
    MediaRef,
    TranslationError,
    history_media_refs,
    history_progress,
    live_media_ref,
    participants_changed,
    translate_group_info,
    translate_group_snapshot,
    translate_history,
    translate_joined_group,
    translate_message,
    translate_newsletter_join,
    translate_receipt,
    translate_undecryptable,
)

log = logging.getLogger("deeplens.connector.pipeline")
Translated = tuple[Iterable[Event | TranslationError], dict[str, MediaRef]]


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


class Pipeline:
    def __init__(
        self,
        session: str,
        tracking: Tracking,
        media: MediaPool,
        publish: Callable[[Event], None],
        *,
        own_jid: Callable[[], str | None],
        hooks: PipelineHooks | None = None,
        inbox_size: int = 10_000,
        pending_history: int = 2,
    ) -> None:
        self.session = session
        self._tracking = tracking
        self._media = media
        self._publish = publish
        self._own_jid = own_jid
        self._hooks = hooks or PipelineHooks()
        self._inbox: queue.Queue[tuple[str, Any] | None] = queue.Queue(maxsize=inbox_size)
        # A history chunk is one inbox item but thousands of messages (MBs once parsed): when the
        # phone (or a replay) sends them faster than they are translated, only this many wait.
        # Without it a 50,000-message replay held every chunk parsed at once (+60-85 MB peak RSS).
        self._history_slots = threading.BoundedSemaphore(pending_history)
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

    def close(self, timeout_s: float = 30.0) -> bool:
        """Translate what is queued, wait for the media in flight; True when all of it is done."""
        self._inbox.put(None)
        self._thread.join(timeout_s)
        return not self._thread.is_alive() and self._media.wait_idle(timeout_s)

    def _run(self) -> None:
        while (item := self._inbox.get()) is not None:
            try:
                self.handle(*item)
            except Exception:
                log.exception("event not handled", extra={"event": item[0]})
            if item[0] == "history":
                self._history_slots.release()
            self.handled += 1

    def handle(self, kind: str, proto: Any) -> None:
        context = Context(self.session, self._own_jid(), int(time.time() * 1000))
        try:
            items, refs = _TRANSLATORS[kind](self, proto, context)
        except TranslationError as error:
            log.warning("event dropped: cannot translate", extra={"reason": str(error)})
            return
        for item in items:
            if isinstance(item, TranslationError):
                log.warning("event dropped: cannot translate", extra={"reason": str(item)})
            else:
                self.route(item, refs)

    def route(self, event: Event, refs: dict[str, MediaRef]) -> None:
        decision = self._tracking.decide(event)
        published = decision.publish
        if published is None:
            return
        if not isinstance(published, MessageSeen) or published.media is None:
            self._publish(published)
            return
        ref = refs.get(published.media.file_id)
        if decision.download and ref is not None:
            self._media.enqueue(published, ref)
        else:
            reason = "auto_download_media is off for this chat" if ref else "nothing to download"
            self._media.skip(published, reason)

    # --- one translator per neonize event -------------------------------------------------

    def _message(self, ev: Any, c: Context) -> Translated:
        events = translate_message(ev, session=c.session, own_jid=c.own_jid, now_ms=c.now_ms)
        ref = live_media_ref(ev, session=c.session)
        return events, ({ref.file_id: ref} if ref else {})

    def _history(self, ev: Any, c: Context) -> Translated:
        data = ev.Data
        if self._hooks.history_progress is not None:
            self._hooks.history_progress(history_progress(data))
        refs = {ref.file_id: ref for ref in history_media_refs(data, session=c.session)}
        return translate_history(data, session=c.session, own_jid=c.own_jid, now_ms=c.now_ms), refs

    def _group_info(self, ev: Any, c: Context) -> Translated:
        events: list[Event] = translate_group_info(ev, session=c.session, now_ms=c.now_ms)
        if participants_changed(ev) and self._hooks.fetch_group is not None:
            snapshot = self._hooks.fetch_group(ev.JID)  # the member list is only known in full
            events += translate_group_snapshot(snapshot, session=c.session, now_ms=c.now_ms)
        return events, {}

    def _simple(self, translate: Callable[..., list[Event]], ev: Any, c: Context) -> Translated:
        return translate(ev, session=c.session, now_ms=c.now_ms), {}


_TRANSLATORS: dict[str, Callable[[Pipeline, Any, Context], Translated]] = {
    "message": Pipeline._message,
    "history": Pipeline._history,
    "group_info": Pipeline._group_info,
    "undecryptable": lambda p, ev, c: (
        translate_undecryptable(ev, session=c.session, own_jid=c.own_jid, now_ms=c.now_ms),
        {},
    ),
    "receipt": lambda p, ev, c: p._simple(translate_receipt, ev, c),
    "joined_group": lambda p, ev, c: p._simple(translate_joined_group, ev, c),
    "newsletter_join": lambda p, ev, c: p._simple(translate_newsletter_join, ev, c),
}
