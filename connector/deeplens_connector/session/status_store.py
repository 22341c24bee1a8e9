"""Where the connector says how it is: Redis (live, short TTL), PostgreSQL `connector_status`
(last known, read by the API when Redis has nothing) and `connection` envelopes (audit log).

Redis keys (see connector/README.md):
- `connector_status:{session}`: JSON with the columns of connector_status (what the API reads)
- `connector:{session}:state`: the state name
- `connector:{session}:qr`: the QR string, only while waiting for a scan (TTL = its lifetime)
- `connector:{session}:history`: JSON {sync_type, chunk_order, progress}
A failed write is logged and never stops the connector.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from deeplens.domain.envelope import ConnectionChanged, Event

from deeplens_connector.session.state import Transition
from deeplens_connector.translate import HistoryProgress

log = logging.getLogger("deeplens.connector.status")
STATUS_FIELDS = (
    "state", "detail", "qr_code", "qr_expires_at", "pair_code", "pair_code_expires_at", "account_jid",
    "history_progress",
)  # fmt: skip
PAIRING_FIELDS = ("qr_code", "qr_expires_at", "pair_code", "pair_code_expires_at")  # only while pairing
FIRST_QR_TTL_S = 60  # whatsmeow: the first code lives ~60 s, later ones 20 s


def status_key(session: str) -> str:
    return f"connector_status:{session}"


def state_key(session: str) -> str:
    return f"connector:{session}:state"


def qr_key(session: str) -> str:
    return f"connector:{session}:qr"


def history_key(session: str) -> str:
    return f"connector:{session}:history"


class StatusStore:
    def __init__(
        self,
        session: str,
        redis: Any,
        *,
        save_row: Callable[[dict[str, Any]], None],
        publish: Callable[[Event], None],
        ttl_s: int = 120,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.session = session
        self._redis = redis
        self._save_row = save_row
        self._publish = publish
        self._ttl_s = ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self.snapshot: dict[str, Any] = dict.fromkeys(STATUS_FIELDS) | {"state": "starting"}

    def state_changed(self, transition: Transition) -> None:
        """The state machine's listener: every column, every key, and one audit envelope."""
        at_ms = int(self._clock() * 1000)
        changes: dict[str, Any] = {"state": transition.state, "detail": transition.detail}
        if transition.state != "waiting_for_qr":
            changes |= dict.fromkeys(PAIRING_FIELDS)
        self._update(changes, (state_key(self.session), transition.state, None))
        if transition.state != "waiting_for_qr":
            self._redis_call(lambda: self._redis.delete(qr_key(self.session)))
        self._publish(self._connection_event(transition, at_ms))

    def qr(self, code: str, lifetime_s: int = FIRST_QR_TTL_S) -> None:
        expires = datetime.fromtimestamp(self._clock() + lifetime_s, UTC)
        self._update({"qr_code": code, "qr_expires_at": expires}, (qr_key(self.session), code, lifetime_s))

    def pair_code(self, code: str, lifetime_s: int) -> None:
        """The link code WhatsApp issued for pairing by phone number (cleared with the QR)."""
        expires = datetime.fromtimestamp(self._clock() + lifetime_s, UTC)
        self._update({"pair_code": code, "pair_code_expires_at": expires}, None)

    def note(self, detail: str) -> None:
        """A new `detail` without a state change (e.g. why a link code was not issued)."""
        self._update({"detail": detail}, None)

    def account(self, jid: str | None) -> None:
        self._update({"account_jid": jid}, None)

    def history(self, progress: HistoryProgress) -> None:
        value = json.dumps({"sync_type": progress.sync_type, "chunk_order": progress.chunk_order,
                            "progress": progress.progress})  # fmt: skip
        changes = (
            {} if progress.progress is None else {"history_progress": max(0, min(progress.progress, 100))}
        )
        self._update(changes, (history_key(self.session), value, None))

    def refresh(self) -> None:
        """Heartbeat: keep the live keys alive while the process is (they expire when it dies)."""
        with self._lock:
            self._write_redis(None)

    def _update(self, changes: dict[str, Any], extra: tuple[str, str, int | None] | None) -> None:
        with self._lock:
            self.snapshot.update(changes)
            row = dict(self.snapshot)
            self._write_redis(extra)
        try:
            self._save_row(row)
        except Exception as error:
            log.warning("connector_status not saved", extra={"error": type(error).__name__})

    def _write_redis(self, extra: tuple[str, str, int | None] | None) -> None:
        snapshot = json.dumps({**self.snapshot, "updated_at": datetime.now(UTC)}, default=str)

        def write() -> None:
            pipe = self._redis.pipeline()
            pipe.set(status_key(self.session), snapshot, ex=self._ttl_s)
            pipe.set(state_key(self.session), self.snapshot["state"], ex=self._ttl_s)
            if extra is not None:
                pipe.set(extra[0], extra[1], ex=extra[2] or self._ttl_s)
            pipe.execute()

        self._redis_call(write)

    def _redis_call(self, action: Callable[[], Any]) -> None:
        try:
            action()
        except Exception as error:
            log.warning("connector state not written to Redis", extra={"error": type(error).__name__})

    def _connection_event(self, transition: Transition, at_ms: int) -> ConnectionChanged:
        return ConnectionChanged(
            event_id=f"connection:{transition.state}:{at_ms}",
            session=self.session,
            occurred_at_ms=at_ms,
            source="live",
            state=transition.state,
            detail=transition.detail,
        )
