"""The pairing controls end to end, up to neonize: the API queues a command in the real Redis, the
connector's command thread (the real runtime, status store, PostgreSQL and terminal) acts on it
through a fake neonize client (a real pairing cannot run here), and GET /api/session shows the
outcome. The fake's PairPhone has neonize's own signature (checked below)."""

from __future__ import annotations

import functools
import inspect
import json
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import redis
from deeplens.adapters.cache import Cache, make_redis
from deeplens.adapters.object_store import ObjectStore
from deeplens.bootstrap import make_pool
from deeplens.domain import connector_commands as rules
from deeplens.entrypoints.http.app import create_app
from deeplens.services.api import ApiDeps
from deeplens.settings import ApiSettings
from deeplens_connector import exits, runtime
from deeplens_connector.archive_db import read_status
from deeplens_connector.session.client import request_link_code
from deeplens_connector.session.commands import CommandListener, Controls
from deeplens_connector.session.state import ConnectionStates
from deeplens_connector.session.status_store import StatusStore, status_key
from deeplens_connector.session.supervisor import Backoff, Supervisor
from deeplens_connector.session.terminal import big_text, render_qr
from deeplens_connector.settings import ConnectorSettings
from neonize.client import NewClient
from neonize.events import ConnectedEv
from neonize.utils.enum import ClientName, ClientType

from tests.integration.api.conftest import PASSWORD
from tests.integration.api.transport import ApiClient, UvicornTransport
from tests.support import settings_from

QR = "2@fake-ref-1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=,CC="
PHONE = "4915112345678"
WAIT_S = 20.0


class FakeEvents:
    """neonize's `client.event`: `event(EventClass)(handler)` and `event.qr(handler)`."""

    def __init__(self) -> None:
        self.handlers: dict[type, Callable[[Any, Any], None]] = {}
        self.on_qr: Callable[[Any, bytes], None] | None = None

    def __call__(self, event_class: type) -> Callable[[Callable[[Any, Any], None]], None]:
        return lambda handler: self.handlers.__setitem__(event_class, handler)

    def qr(self, handler: Callable[[Any, bytes], None]) -> None:
        self.on_qr = handler


class FakeNeonize:
    """neonize's NewClient as far as pairing goes. connect() behaves like an unlinked session (one
    QR code, then waiting for a scan) or, `linked`, like a linked one (Connected); it returns on
    stop(), as neonize's does."""

    me = None

    def __init__(self, *, linked: bool = False, link_code: str | Exception = "ABCDEFGH") -> None:
        self.event = FakeEvents()
        self.contact = SimpleNamespace(get_all_contacts=list)
        self.linked = linked
        self.link_code = link_code
        self.pair_calls: list[tuple[str, bool, ClientName, ClientType | None]] = []
        self.logouts = 0
        self.stopped = threading.Event()

    def connect(self) -> None:
        if self.linked:
            self.event.handlers[ConnectedEv](self, ConnectedEv())
        else:
            assert self.event.on_qr is not None
            self.event.on_qr(self, QR.encode())
        self.stopped.wait(60)

    def stop(self) -> None:
        self.stopped.set()

    def PairPhone(  # neonize's name
        self,
        phone: str,
        show_push_notification: bool,
        client_name: ClientName = ClientName.LINUX,
        client_type: ClientType | None = None,
    ) -> str:
        self.pair_calls.append((phone, show_push_notification, client_name, client_type))
        if isinstance(self.link_code, Exception):
            raise self.link_code
        return self.link_code

    def logout(self) -> None:
        self.logouts += 1

    def get_group_info(self, _jid: Any) -> Any:
        raise AssertionError("not asked while pairing")


@dataclass
class Running:
    fake: FakeNeonize
    thread: threading.Thread
    result: dict[str, int] = field(default_factory=dict)

    def exit_code(self, timeout_s: float = WAIT_S) -> int | None:
        self.thread.join(timeout_s)
        return self.result.get("code")


@pytest.fixture
def session_api(
    stack_env: dict[str, str], database_url: str, session_id: str, media_store: ObjectStore, tmp_path: Path
) -> Iterator[ApiClient]:
    """The API on the connector's session, logged in (uvicorn over a socket)."""
    settings: ApiSettings = settings_from(
        ApiSettings, stack_env, database_url=database_url, admin_password=PASSWORD, session_id=session_id,
        frontend_dir=tmp_path / "no-frontend",
    )  # fmt: skip
    pool = make_pool(settings.database_url.get_secret_value())
    transport = UvicornTransport(
        create_app(ApiDeps(settings, pool, Cache(make_redis(settings)), media_store))
    )
    client = ApiClient(transport, "uvicorn")
    assert client.login(PASSWORD).status == 200
    yield client
    transport.close()
    pool.close()


@pytest.fixture
def start_connector(
    connector_settings: Callable[..., ConnectorSettings],
    local_queue_pair: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[FakeNeonize], Running]]:
    """The live runtime (`_supervise`) on a fake neonize client, in a thread: signal handlers can
    only be installed from the main thread, so installing them is skipped here."""
    monkeypatch.setattr(signal, "signal", lambda *_args: None)
    queue, _ = local_queue_pair()
    settings = connector_settings(ingest_queue_url=queue.url)
    started: list[Running] = []

    def start(fake: FakeNeonize) -> Running:
        connector = runtime.build(settings, fake, None, settings.spool_dir)
        running = Running(fake, threading.Thread(target=lambda: None))
        running.thread = threading.Thread(
            target=lambda: running.result.setdefault("code", runtime._supervise(connector)), daemon=True
        )
        running.thread.start()
        started.append(running)
        return running

    yield start
    for running in started:
        running.fake.stop()
        running.thread.join(WAIT_S)  # the test failed half-way: no thread left behind


def _live_status(redis_client: redis.Redis[str], session: str) -> dict[str, Any]:
    raw = redis_client.get(status_key(session))
    return json.loads(raw) if raw else {}


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _push(redis_client: redis.Redis[str], session: str, entry: str) -> None:
    redis_client.rpush(rules.commands_key(session), entry)


def test_fake_pair_phone_has_the_signature_of_neonize_0_5_2() -> None:
    assert inspect.signature(FakeNeonize.PairPhone) == inspect.signature(NewClient.PairPhone)


def test_link_code_reaches_status_api_and_terminal_when_phone_pairing_is_asked_for(
    start_connector: Callable[[FakeNeonize], Running],
    session_api: ApiClient,
    redis_client: redis.Redis[str],
    session_id: str,
    database_url: str,
    *,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before_start = datetime.now(UTC) - timedelta(seconds=1)
    redis_client.delete(rules.commands_key(session_id))
    _push(redis_client, session_id, "not a command")  # dropped with its reason
    _push(redis_client, session_id, rules.encode(rules.plain("restart", before_start)))  # done: this process
    running = start_connector(FakeNeonize())
    _wait_for(lambda: _live_status(redis_client, session_id).get("state") == "waiting_for_qr", "the QR")

    reply = session_api.request("POST", "/api/connector/pair-phone", json_body={"phone": "+49 151 1234 5678"})
    assert (reply.status, reply.json()) == (202, {"command": "pair_phone"})
    _wait_for(lambda: _live_status(redis_client, session_id).get("pair_code") is not None, "the link code")

    assert running.fake.pair_calls == [(PHONE, True, ClientName.LINUX, ClientType.CHROME)]
    assert running.thread.is_alive()  # the garbage and the earlier restart were skipped
    live = _live_status(redis_client, session_id)
    assert (live["state"], live["pair_code"], live["qr_code"]) == ("waiting_for_qr", "ABCD-EFGH", QR)
    row = read_status(database_url, session_id)
    assert row is not None and row["pair_code"] == "ABCD-EFGH"
    # the code lives as long as the QR cycle it was asked in (whatsmeow closes it after 160 s)
    assert timedelta(minutes=2) < row["pair_code_expires_at"] - datetime.now(UTC) <= timedelta(seconds=160)
    session = session_api.get("/api/session").json()
    assert (session["state"], session["pair_code"], session["has_archive"]) == (
        "waiting_for_qr",
        "ABCD-EFGH",
        False,
    )
    assert session["pair_code_expires_at"] is not None

    printed = capsys.readouterr().out
    assert printed.count(render_qr(QR)) == 1  # each QR once, however often the status is refreshed
    assert "pair in the browser at http://" in printed
    assert "\n".join(f"    {row}" for row in big_text("ABCD-EFGH").splitlines()) in printed
    assert "Link with phone number instead → enter ABCD-EFGH" in printed

    assert session_api.request("POST", "/api/connector/restart").status == 202
    assert running.exit_code() == exits.RESTART
    assert running.fake.stopped.is_set()


def test_reason_is_shown_and_connector_goes_on_when_whatsapp_refuses_the_number(
    start_connector: Callable[[FakeNeonize], Running],
    session_api: ApiClient,
    redis_client: redis.Redis[str],
    session_id: str,
) -> None:
    refused = RuntimeError("failed to request pair code: bad-request")  # neonize raises PairPhoneError
    running = start_connector(FakeNeonize(link_code=refused))
    _wait_for(lambda: _live_status(redis_client, session_id).get("state") == "waiting_for_qr", "the QR")

    assert (
        session_api.request("POST", "/api/connector/pair-phone", json_body={"phone": f"+{PHONE}"}).status
        == 202
    )
    _wait_for(
        lambda: "no link code" in str(_live_status(redis_client, session_id).get("detail")), "the reason"
    )

    session = session_api.get("/api/session").json()
    assert session["detail"] == f"no link code for +{PHONE}: failed to request pair code: bad-request"
    assert (session["state"], session["pair_code"]) == ("waiting_for_qr", None)
    assert running.thread.is_alive()
    assert session_api.request("POST", "/api/connector/new-code").status == 202
    assert running.exit_code() == exits.RESTART


def test_logout_unlinks_through_neonize_and_restarts_when_account_is_linked(
    start_connector: Callable[[FakeNeonize], Running],
    session_api: ApiClient,
    redis_client: redis.Redis[str],
    session_id: str,
    database_url: str,
) -> None:
    running = start_connector(FakeNeonize(linked=True))
    _wait_for(lambda: _live_status(redis_client, session_id).get("state") == "connected", "the connection")
    assert (
        session_api.request("POST", "/api/connector/pair-phone", json_body={"phone": f"+{PHONE}"}).status
        == 409
    )

    assert session_api.request("POST", "/api/connector/logout").status == 202
    assert running.exit_code() == exits.RESTART
    assert running.fake.logouts == 1
    assert running.fake.pair_calls == []
    row = read_status(database_url, session_id)
    assert row is not None
    assert (row["state"], row["detail"]) == ("logged_out", "logged out from DeepLens")


def test_link_code_is_asked_for_in_a_fresh_process_when_the_qr_cycle_is_nearly_over(
    redis_client: redis.Redis[str], session_id: str
) -> None:
    """Late in the QR cycle a code would die within seconds: the command goes back to the head of the
    list and the process restarts; the next one asks right after its first QR code."""
    states = ConnectionStates()
    status = StatusStore(session_id, redis_client, save_row=lambda _row: None, publish=lambda _event: None)
    fake = FakeNeonize()
    supervisor = Supervisor(fake.connect, fake.stop, states, max_attempts=1, backoff=Backoff())
    listener = CommandListener(
        session_id, redis_client, states, status, supervisor,
        controls=Controls(functools.partial(request_link_code, fake), fake.logout),
        pairing_since=lambda: time.time() - 130,  # 30 s of the 160 s cycle left
    )  # fmt: skip
    states.move("connecting")
    states.move("waiting_for_qr")
    redis_client.delete(listener.key)
    later = rules.encode(rules.plain("logout", datetime.now(UTC)))
    redis_client.rpush(listener.key, later)
    asked = rules.pair_phone(f"+{PHONE}", datetime.now(UTC))

    listener.handle(rules.encode(asked))

    assert (supervisor.finished.is_set(), supervisor.exit_code) == (True, exits.RESTART)
    assert fake.pair_calls == []
    assert redis_client.lrange(listener.key, 0, -1) == [
        rules.encode(asked),
        later,
    ]  # first in line, as it was
    redis_client.delete(listener.key)
