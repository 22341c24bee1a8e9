"""The neonize client: construction and every handler, registered before connect().

Import this module only after `logs.configure_logging()` (neonize configures logging at import).
Handlers run on neonize's one callback thread, in order: they only hand the proto to the
pipeline or move the state machine; every one is wrapped, since an exception raised in a ctypes
callback would vanish into sys.unraisablehook.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from neonize.client import NewClient
from neonize.events import (
    CallAcceptEv,
    CallOfferEv,
    CallOfferNoticeEv,
    CallTerminateEv,
    ClientOutdatedEv,
    ConnectedEv,
    ConnectFailureEv,
    DisconnectedEv,
    GroupInfoEv,
    HistorySyncEv,
    JoinedGroupEv,
    LoggedOutEv,
    MessageEv,
    NewsletterJoinEv,
    OfflineSyncCompletedEv,
    PairStatusEv,
    ReceiptEv,
    StreamReplacedEv,
    TemporaryBanEv,
    UndecryptableMessageEv,
)
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waCompanionReg.WAWebProtobufsCompanionReg_pb2 import DeviceProps
from neonize.utils.enum import ClientName, ClientType

from deeplens_connector.pipeline import Pipeline
from deeplens_connector.session.state import ConnectionStates
from deeplens_connector.session.status_store import FIRST_QR_TTL_S, StatusStore
from deeplens_connector.session.supervisor import Supervisor
from deeplens_connector.session.terminal import Terminal
from deeplens_connector.translate import jid_of

log = logging.getLogger("deeplens.connector.client")
NEXT_QR_TTL_S = 20
PIPELINE_EVENTS: dict[type, str] = {
    MessageEv: "message",
    UndecryptableMessageEv: "undecryptable",
    ReceiptEv: "receipt",
    HistorySyncEv: "history",
    JoinedGroupEv: "joined_group",
    GroupInfoEv: "group_info",
    NewsletterJoinEv: "newsletter_join",
    OfflineSyncCompletedEv: "offline_synced",  # after each connect: read the contact store, sweep chats
    CallOfferEv: "call",
    CallOfferNoticeEv: "call",  # a group call
    CallAcceptEv: "call",
    CallTerminateEv: "call",
}


def make_client(name: str, session: str, device_name: str) -> Any:
    """`name` is the session store's postgres:// URL; uuid is always set so it never leaks."""
    props = DeviceProps(os=device_name, platformType=DeviceProps.CHROME, requireFullSync=True)
    return NewClient(name, uuid=f"deeplens-{session}", props=props)


def request_link_code(client: Any, phone: str) -> str:
    """PairPhone: WhatsApp's 8-character link code for `phone` (digits, country code first). Only
    while connected and waiting for a QR scan; raises PairPhoneError (e.g. an unknown number). The
    display name must read "Browser (OS)": "Chrome (Linux)", matching make_client's DeviceProps."""
    code: str = client.PairPhone(
        phone, show_push_notification=True, client_name=ClientName.LINUX, client_type=ClientType.CHROME
    )
    return code


def log_out(client: Any) -> None:
    """Unlink this device (whatsmeow deletes it from the session store); raises LogoutError."""
    client.logout()


def own_jid(client: Any) -> str | None:
    """Our own JID, known once the Go core sent its Device event (code 0)."""
    me = getattr(client, "me", None)
    return None if me is None else jid_of(me.JID)


def guarded(name: str, action: Callable[[Any, Any], object]) -> Callable[[Any, Any], None]:
    def handler(client: Any, ev: Any) -> None:
        try:
            action(client, ev)
        except Exception:
            log.exception("handler failed", extra={"event": name})

    return handler


def register_pipeline(client: Any, pipeline: Pipeline) -> None:
    for event_class, kind in PIPELINE_EVENTS.items():
        client.event(event_class)(guarded(kind, _offer_as(pipeline, kind)))


def _offer_as(pipeline: Pipeline, kind: str) -> Callable[[Any, Any], None]:
    return lambda _client, ev: pipeline.offer(kind, ev)


class Lifecycle:
    """Connection events -> state machine + status store (+ the supervisor for the fatal ones)."""

    def __init__(
        self,
        states: ConnectionStates,
        status: StatusStore,
        supervisor: Supervisor | None,
        terminal: Terminal | None = None,
    ) -> None:
        self.states = states
        self.status = status
        self.supervisor = supervisor
        self.terminal = terminal
        self.qr_count = 0
        self.first_qr_at: float | None = None  # epoch s: the QR cycle (and a link code's life) began

    def register(self, client: Any) -> None:
        client.event.qr(guarded("qr", self.on_qr))
        handlers: dict[type, Callable[[Any, Any], object]] = {
            ConnectedEv: self.on_connected,
            PairStatusEv: self.on_pair_status,
            DisconnectedEv: lambda _c, _ev: self.states.try_move("reconnecting", "disconnected"),
            ConnectFailureEv: lambda _c, ev: self.states.try_move(
                "reconnecting", f"connect failure {ev.Reason}"
            ),
            LoggedOutEv: lambda _c, _ev: self.end("logged_out", "logged out from the phone (Linked devices)"),
            StreamReplacedEv: lambda _c, _ev: self.end("replaced", "another client took over this session"),
            ClientOutdatedEv: lambda _c, _ev: self.end("outdated", "WhatsApp rejected this client version"),
            TemporaryBanEv: lambda _c, ev: self.end("failed", f"temporary ban (code {ev.Code})"),
        }
        for event_class, action in handlers.items():
            client.event(event_class)(guarded(event_class.__name__, action))

    def on_qr(self, _client: Any, data: bytes) -> None:
        self.qr_count += 1
        if self.first_qr_at is None:
            self.first_qr_at = time.time()
        code = data.decode()
        self.status.qr(code, FIRST_QR_TTL_S if self.qr_count == 1 else NEXT_QR_TTL_S)
        self.states.try_move("waiting_for_qr")
        if self.supervisor is not None:
            self.supervisor.qr_seen()
        if self.terminal is not None:
            self.terminal.qr(code)

    def on_pair_status(self, _client: Any, ev: Any) -> None:
        if ev.Status == N.PairStatus.SUCCESS:
            self.states.try_move("paired", ev.Platform or None)
            if self.terminal is not None:
                self.terminal.linked(ev.Platform or None)
        else:
            log.warning("pairing failed", extra={"error": ev.Error})

    def on_connected(self, client: Any, _ev: Any) -> None:
        self.status.account(own_jid(client))
        self.states.try_move("connected")

    def end(self, state: Any, detail: str) -> None:
        if self.supervisor is None:  # a replay: nothing to stop
            self.states.try_move(state, detail)
        else:
            self.supervisor.end_session(state, detail)
