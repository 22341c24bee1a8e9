"""The connector's one settings object (docs/architecture.md, "Settings"): composed from the shared
field groups.

`load_connector_settings()` raises ConfigurationError with one line naming each bad variable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from deeplens.settings import (
    DatabaseSettings,
    PolicySettings,
    QueueSettings,
    RedisSettings,
    S3Settings,
    SessionSettings,
    load_settings,
)
from pydantic import Field, SecretStr, field_validator

from deeplens_connector.stopping import DEFAULT_DRAIN_S

_POSTGRES_SCHEMES = ("postgres://", "postgresql://")
_POOL_PARAMETERS = ("pool_min_conns", "pool_max_conns")  # pgx-style: lib/pq refuses them
MiB = 1024 * 1024


class ConnectorSettings(
    DatabaseSettings, SessionSettings, S3Settings, QueueSettings, RedisSettings, PolicySettings
):
    """One connector process = one WhatsApp account (SESSION_ID)."""

    session_store_url: SecretStr = Field(description="postgres:// URL of the whatsmeow session store")
    deeplens_data_dir: Path = Path(".data")
    connector_spool_dir: Path | None = Field(
        default=None, description="default: DEEPLENS_DATA_DIR/connector-spool"
    )
    connector_spool_max_bytes: Annotated[int, Field(ge=MiB)] = 2048 * MiB
    connector_batch_max_events: Annotated[int, Field(ge=1, le=10_000)] = 500
    connector_batch_max_ms: Annotated[int, Field(ge=10, le=60_000)] = 250
    connector_media_max_bytes: Annotated[int, Field(ge=1)] = 100 * MiB
    connector_media_workers: Annotated[int, Field(ge=1, le=16)] = 2
    connector_media_queue: Annotated[int, Field(ge=1, le=100_000)] = 1000
    connector_pictures_per_minute: Annotated[int, Field(ge=0, le=600)] = 20  # 0: no profile pictures
    # the stop's budget (drain); the watcher's grace and devstack's wait are derived (stopping.py)
    connector_drain_s: Annotated[float, Field(ge=1, le=600)] = DEFAULT_DRAIN_S
    # processes translating history chunks; 0 (default): in the pipeline thread (README: Throughput)
    connector_translate_workers: Annotated[int, Field(ge=0, le=8)] = 0
    connector_max_connect_attempts: Annotated[int, Field(ge=1, le=100)] = 5
    connector_backoff_min_s: Annotated[float, Field(gt=0)] = 2.0
    connector_backoff_max_s: Annotated[float, Field(gt=0)] = 300.0
    connector_status_ttl_s: Annotated[int, Field(ge=5)] = 120
    device_name: Annotated[str, Field(min_length=1, max_length=60)] = "DeepLens-Connect"
    log_level: str = "INFO"
    # Where the web UI is (printed with the QR for pairing): the API's own PUBLIC_URL / HOST / PORT.
    public_url: str | None = None
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 3000

    @field_validator("session_store_url")
    @classmethod
    def _lib_pq_url(cls, value: SecretStr) -> SecretStr:
        url = value.get_secret_value()
        if not url.startswith(_POSTGRES_SCHEMES):  # anything else silently becomes a sqlite file
            raise ValueError("expected a postgres://user:password@host:port/database?sslmode=... URL")
        if any(parameter in url for parameter in _POOL_PARAMETERS):
            raise ValueError("pgx-style pool parameters break lib/pq; remove them")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("expected DEBUG, INFO, WARNING or ERROR")
        return value.upper()

    @property
    def web_url(self) -> str:
        """The address of the web UI: PUBLIC_URL, else http://HOST:PORT (a wildcard HOST cannot be
        typed into a browser: the hint says so)."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "<this-server>" if self.host in {"0.0.0.0", "::", ""} else self.host
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}"

    @property
    def spool_dir(self) -> Path:
        return self.connector_spool_dir or self.deeplens_data_dir / "connector-spool" / self.session_id


def load_connector_settings() -> ConnectorSettings:
    return load_settings(ConnectorSettings)
