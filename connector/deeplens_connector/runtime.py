"""The composition root: clients and pools built once, wired into one Connector; `run_live` and
`run_replay` are the two ways to feed it. Import only after logging is configured (neonize)."""

from __future__ import annotations

import functools
import gc
import logging
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from deeplens.adapters.cache import make_redis
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.adapters.queue import Queue, make_sqs_client
from deeplens.domain.archive_plan import TrackingPolicy
from psycopg_pool import ConnectionPool

from deeplens_connector import archive_db, chat_reads, exits, unsealing
from deeplens_connector.chat_settings import StoreChatSettings
from deeplens_connector.chunk_worker import ChunkWorkers
from deeplens_connector.media import Download, MediaPool
from deeplens_connector.pending_media import PendingMedia
from deeplens_connector.pictures import PictureFetcher, make_fetcher, recorded_fetcher
from deeplens_connector.pipeline import Pipeline, PipelineHooks
from deeplens_connector.polls import decrypt_poll_vote
from deeplens_connector.publish.publisher import Publisher, PublisherConfig
from deeplens_connector.publish.spool import Spool
from deeplens_connector.replay import RecordedMedia, ReplayStats, replay_into
from deeplens_connector.session.client import (
    Lifecycle,
    log_out,
    make_client,
    own_jid,
    register_pipeline,
    request_link_code,
)
from deeplens_connector.session.commands import CommandListener, Controls
from deeplens_connector.session.state import ConnectionStates
from deeplens_connector.session.status_store import StatusStore
from deeplens_connector.session.supervisor import Backoff, Supervisor
from deeplens_connector.session.terminal import Terminal
from deeplens_connector.settings import ConnectorSettings
from deeplens_connector.stopping import Deadline, publish_reserve_s
from deeplens_connector.tracking import PolicyLookup, Tracking

log = logging.getLogger("deeplens.connector")
# Push names change without an event neonize forwards, and a silent group or channel changes
# without one too: the contact store is read and the chats swept again this often while connected
# (besides after every OfflineSyncCompletedEv); only changes are published.
CONTACTS_REREAD_S = 1800.0
# Archive/pin/mute come with no event neonize forwards: whatsmeow's chat settings are read this
# often while connected (chat_settings.py); only changes are published.
CHAT_SETTINGS_REREAD_S = 30.0
GC_YOUNG_OBJECTS = 20_000  # see tune_gc


@dataclass
class Connector:
    """Everything one account's connector holds; `close()` drains in dependency order."""

    settings: ConnectorSettings
    client: Any
    redis: redis.Redis[str]
    pool: ConnectionPool[Any]
    publisher: Publisher
    status: StatusStore
    states: ConnectionStates
    media: MediaPool
    pipeline: Pipeline
    pictures: PictureFetcher | None = None  # None: a replay, or CONNECTOR_PICTURES_PER_MINUTE=0

    def finish(self, timeout_s: float = 60.0) -> bool:
        """Everything offered so far translated and every download done (a replay's end, before
        close(), which would leave downloads pending)."""
        done = self.pipeline.close(timeout_s) and self.media.wait_idle(timeout_s)
        return done and (self.pictures is None or self.pictures.wait_idle(timeout_s))

    def close(self, drain_s: float | None = None) -> bool:
        """The stop, within `drain_s` (CONNECTOR_DRAIN_S): no new download starts (media not
        fetched yet is published as pending and kept for the next process), the pipeline routes
        what waits, downloads in flight may finish, then the publisher spools and uploads what it
        can in its share of the time (the rest stays in the durable spool). True when all of it was
        done and uploaded."""
        drain_s = self.settings.connector_drain_s if drain_s is None else drain_s
        deadline = Deadline(drain_s)
        keep_s = publish_reserve_s(drain_s)
        self.media.stop_downloads()
        drained = self.pipeline.close(deadline.left(keep_s))
        drained = self.media.close(deadline.left(keep_s)) and drained
        if self.pictures is not None:
            self.pictures.close(min(2.0, deadline.left(keep_s)))
        drained = self.publisher.close(deadline.left()) and drained
        self.pool.close()
        self.redis.close()
        return drained


def tune_gc() -> None:
    """A young generation of GC_YOUNG_OBJECTS container objects instead of CPython's 700.

    A history sync allocates millions of short-lived objects (protobuf wrappers, dicts, envelope
    models) while thousands of events wait in the queues; with 700 the collector ran every ~100
    messages and traversed those waiting events each time: ~20% of the connector's CPU
    (bench/connector_bench.py, full path 11.5-14.4 -> 9.1-12.4 CPU s). The envelopes are acyclic
    (reference counting frees them), so little waits for the collector: peak RSS +10-20 MB."""
    gc.set_threshold(GC_YOUNG_OBJECTS, *gc.get_threshold()[1:])


def build(settings: ConnectorSettings, client: Any, download: Download | None, spool_dir: Path) -> Connector:
    tune_gc()
    session = settings.session_id
    cache = make_redis(settings, quick=False)  # redis-py's own retries: a blip is waited out
    pool = archive_db.make_pool(settings.database_url.get_secret_value())
    publisher = _publisher(settings, spool_dir)
    status = StatusStore(
        session,
        cache,
        save_row=lambda row: archive_db.upsert_status(pool, session, row),
        publish=publisher.submit,
        ttl_s=settings.connector_status_ttl_s,
    )
    policy = TrackingPolicy(settings.default_track_groups, settings.default_track_private)
    lookup = PolicyLookup(
        session,
        cache,
        lambda jid: archive_db.fetch_policy(pool, session, jid),
        policy,
        database_many=lambda jids: archive_db.fetch_policies(pool, session, jids),
    )
    media = MediaPool(
        download or (lambda ref: client.download_any(ref.download_message())),
        ObjectStore(make_s3_client(settings), settings.minio_bucket),
        publisher.submit,
        max_bytes=settings.connector_media_max_bytes,
        workers=settings.connector_media_workers,
        queue_size=settings.connector_media_queue,
        pending=PendingMedia(spool_dir),
    )
    live = download is None  # a replay has no session: its client must not be asked anything
    pictures = (
        make_fetcher(settings, client, publisher.submit)
        if live
        else recorded_fetcher(settings, download, publisher.submit)
    )
    hooks = PipelineHooks(
        history_progress=status.history,
        fetch_group=client.get_group_info if live else None,
        read_contacts=client.contact.get_all_contacts if live else None,
        decrypt_poll_vote=functools.partial(decrypt_poll_vote, client) if live else None,
        read_chat_settings=StoreChatSettings(settings.session_store_url.get_secret_value()) if live else None,
        seen=pictures.want if pictures else None,
        joined_groups=functools.partial(chat_reads.joined_groups, client) if live else None,
        subscribed_newsletters=functools.partial(chat_reads.subscribed_newsletters, client) if live else None,
    )
    workers = settings.connector_translate_workers
    pipeline = Pipeline(
        session, Tracking(lookup), media, publisher.submit, own_jid=lambda: own_jid(client), hooks=hooks,
        workers=ChunkWorkers(workers) if workers else None, publish_many=publisher.submit_many,
        unsealer=_unsealer(settings, spool_dir, live),
        hold_many=publisher.hold_many if settings.untracked_retention_days > 0 else None,
    )  # fmt: skip
    states = ConnectionStates(on_change=status.state_changed)
    register_pipeline(client, pipeline.start())
    return Connector(settings, client, cache, pool, publisher, status, states, media, pipeline, pictures)


def _unsealer(settings: ConnectorSettings, spool_dir: Path, live: bool) -> unsealing.Unsealer:
    """Secrets from the messages seen and, live, from whatsmeow's store; what waits for one is
    kept in the spool folder (a replay has no store: its client's is not the account's)."""
    store = unsealing.StoreSecrets(settings.session_store_url.get_secret_value()) if live else None
    waiting = unsealing.WaitingSealed(spool_dir / unsealing.FOLDER)
    return unsealing.Unsealer(unsealing.MessageSecrets(store), waiting)


def _publisher(settings: ConnectorSettings, spool_dir: Path) -> Publisher:
    config = PublisherConfig(
        session=settings.session_id,
        max_events=settings.connector_batch_max_events,
        max_wait_s=settings.connector_batch_max_ms / 1000,
    )
    objects = ObjectStore(make_s3_client(settings), settings.events_bucket)
    queue = Queue(make_sqs_client(settings, settings), str(settings.ingest_queue_url))
    return Publisher(config, Spool(spool_dir, settings.connector_spool_max_bytes), objects, queue).start()


def run_replay(settings: ConnectorSettings, recording: Path) -> tuple[ReplayStats, bool]:
    """Feed a recording through the live handlers; returns when everything is published."""
    client = make_client(f"replay-{settings.session_id}", settings.session_id, settings.device_name)
    connector = build(settings, client, RecordedMedia.from_file(recording), settings.spool_dir.with_name(
        settings.spool_dir.name + "-replay"))  # fmt: skip
    Lifecycle(connector.states, connector.status, None).register(client)
    connector.states.move("connecting", f"replaying {recording.name}")
    stats = replay_into(client, recording)
    finished = connector.finish()
    return stats, connector.close() and finished


def run_live(settings: ConnectorSettings) -> int:
    """One session until SIGTERM or a verdict; the exit code tells the watcher what to do."""
    lock = archive_db.SessionLock(settings.session_store_url.get_secret_value(), settings.session_id)
    try:
        client = make_client(settings.session_store_url.get_secret_value(), settings.session_id,
                             settings.device_name)  # fmt: skip
        connector = build(settings, client, None, settings.spool_dir)
        return _supervise(connector)
    finally:
        lock.release()


def keep_running(connector: Connector, supervisor: Supervisor) -> bool:
    """One look from the main thread: a dead publisher thread ends the process for a restart
    (nothing would be published any more); otherwise the status is refreshed and the QR watched."""
    if connector.publisher.failed.is_set():
        supervisor.abort(exits.RESTART, f"publisher failed: {connector.publisher.failure}")
        return False
    connector.status.refresh()
    supervisor.check_pairing()
    return True


def _listen_for_commands(
    connector: Connector, supervisor: Supervisor, terminal: Terminal, lifecycle: Lifecycle
) -> None:
    """The web UI's pairing controls (pair by phone, log out, restart, new QR), from Redis."""
    client = connector.client
    controls = Controls(functools.partial(request_link_code, client), functools.partial(log_out, client))
    CommandListener(
        connector.settings.session_id, connector.redis, connector.states, connector.status, supervisor,
        controls=controls, terminal=terminal, pairing_since=lambda: lifecycle.first_qr_at,
    ).start()  # fmt: skip


@dataclass
class Reread:
    """A store the pipeline reads again every `every_s` (the first time: at once)."""

    kind: str
    every_s: float
    read_at: float = float("-inf")

    def offer_if_due(self, pipeline: Pipeline) -> None:
        if time.monotonic() - self.read_at >= self.every_s and pipeline.try_offer(self.kind, None):
            self.read_at = time.monotonic()


def periodic_rereads() -> tuple[Reread, ...]:
    """What the live runtime reads again while connected (a replay has no such loop): the contact
    store and the chat sweep every 30 min (the connect's OfflineSyncCompletedEv has just read them),
    the chat settings at once, then every 30 s."""
    return (
        Reread("reread_stores", CONTACTS_REREAD_S, read_at=time.monotonic()),
        Reread("chat_settings", CHAT_SETTINGS_REREAD_S),
    )


def _supervise(connector: Connector) -> int:
    settings = connector.settings
    supervisor = Supervisor(
        connector.client.connect, connector.client.stop, connector.states,
        max_attempts=settings.connector_max_connect_attempts,
        backoff=Backoff(settings.connector_backoff_min_s, settings.connector_backoff_max_s),
    )  # fmt: skip
    terminal = Terminal(settings.web_url)  # QR and link code in the terminal of `make run`
    lifecycle = Lifecycle(connector.states, connector.status, supervisor, terminal)
    lifecycle.register(connector.client)  # before connect()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: supervisor.request_stop())
    threading.Thread(target=supervisor.run, name="supervisor", daemon=True).start()
    _listen_for_commands(connector, supervisor, terminal, lifecycle)
    rereads = periodic_rereads()
    resumed = False  # media a previous stop left pending: fetched once connected
    while not supervisor.finished.wait(5.0):  # the main thread stays free for signals
        if not keep_running(connector, supervisor):
            break
        connected = connector.states.current == "connected"  # paired and connected: the store exists
        if connected and not resumed:
            connector.media.resume()
            resumed = True
        for reread in rereads if connected else ():
            reread.offer_if_due(connector.pipeline)
    log.info(
        "connector stopping", extra={"exit_code": supervisor.exit_code, "state": connector.states.current}
    )
    drained = connector.close()  # what is not uploaded stays in the durable spool for the next start
    log.info("connector stopped", extra={"drained": drained})
    return supervisor.exit_code
