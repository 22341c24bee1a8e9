"""Composition root: clients and pools are built here, once per process (Lambda cold start)."""

from __future__ import annotations

from functools import cache
from typing import Any

from psycopg_pool import ConnectionPool

from deeplens.adapters.cache import Cache, make_redis
from deeplens.adapters.export_store import ExportStore
from deeplens.adapters.object_store import ObjectStore, make_s3_client, preload_s3_client
from deeplens.adapters.queue import RecordDelays, make_sqs_client
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.services.api import ApiDeps
from deeplens.services.export import ExportDeps
from deeplens.services.ingest import IngestDeps
from deeplens.settings import ApiSettings, ExportSettings, IngestSettings, load_settings


def preload() -> None:
    """What a Lambda handler module does at import besides importing: work that opens no connection
    and reads no settings, so it belongs in the init phase (and a SnapStart snapshot)."""
    preload_s3_client()


def make_pool(database_url: str, max_size: int = 4) -> ConnectionPool[Any]:
    """A small pool; `open=True` connects lazily per connection but fails fast on a bad URL."""
    return ConnectionPool(
        database_url,
        min_size=1,
        max_size=max_size,
        timeout=10,
        kwargs={"connect_timeout": 5, "application_name": "deeplens"},
        open=True,
    )


def ingest_deps_from(settings: IngestSettings) -> IngestDeps:
    events = ObjectStore(make_s3_client(settings), settings.events_bucket)
    policy = TrackingPolicy(settings.default_track_groups, settings.default_track_private)
    delays = RecordDelays(lambda: make_sqs_client(settings, settings))
    pool = make_pool(settings.database_url.get_secret_value())
    return IngestDeps(pool, events, policy, settings.retry_schedule, delays)


@cache
def ingest_deps() -> IngestDeps:
    return ingest_deps_from(load_settings(IngestSettings))


def api_deps_from(settings: ApiSettings) -> ApiDeps:
    return ApiDeps(
        settings=settings,
        pool=make_pool(settings.database_url.get_secret_value(), max_size=settings.db_pool_size),
        cache=Cache(make_redis(settings)),
        media=media_store(settings),
    )


def media_store(settings: ApiSettings) -> ObjectStore:
    """The media bucket; presigned URLs are signed for MEDIA_PUBLIC_ENDPOINT when it is set."""
    public = settings.media_public_endpoint
    presigner = make_s3_client(settings, public) if public else None
    return ObjectStore(make_s3_client(settings), settings.minio_bucket, presigner)


@cache
def api_deps() -> ApiDeps:
    """The API's clients, once per process (a Lambda cold start, a uvicorn server)."""
    return api_deps_from(load_settings(ApiSettings))


def export_deps_from(settings: ExportSettings) -> ExportDeps:
    """An export reads the archive on a connection of its own (one snapshot) and the media bucket,
    and uploads finished zips to the same bucket under `exports/`."""
    client = make_s3_client(settings)
    return ExportDeps(
        database_url=settings.database_url.get_secret_value(),
        session=settings.session_id,
        media=ObjectStore(client, settings.minio_bucket),
        exports=ExportStore(client, settings.minio_bucket),
        presign_seconds=settings.export_link_seconds,
    )
