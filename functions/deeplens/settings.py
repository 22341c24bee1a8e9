"""One validated settings object per deployable. No other module reads the environment.

Field names are the environment variables (case-insensitive); `.env` in the working directory is
read too. A missing or malformed value raises ConfigurationError with one line per variable.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from deeplens.domain.errors import ConfigurationError
from deeplens.domain.retry import RetrySchedule

Port = Annotated[int, Field(ge=1, le=65535)]
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_SESSION = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
_POSTGRES_SCHEMES = ("postgres://", "postgresql://")
_ENDPOINT_ORIGIN = re.compile(r"^https?://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?/?$")  # no path
_PUBLIC_URL = re.compile(r"^https?://[^/?#\s]+(/[^?#\s]*)?$")


class _Base(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)


class DatabaseSettings(_Base):
    database_url: SecretStr = Field(description="PostgreSQL URL of the archive")

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().startswith(_POSTGRES_SCHEMES):
            raise ValueError("expected a postgresql://user:password@host:port/database URL")
        return value


class SessionSettings(_Base):
    session_id: str = Field(
        default="primary_agent", description="the WhatsApp account this archive row belongs to"
    )

    @field_validator("session_id")
    @classmethod
    def _session_id(cls, value: str) -> str:
        if not _SESSION.match(value):
            raise ValueError("expected 1-128 characters of letters, digits, '_', '.' or '-'")
        return value


class S3Settings(_Base):
    """The S3-compatible store: MinIO/s3rver/LocalStack via endpoint + port, or AWS S3 when empty."""

    minio_endpoint: str | None = Field(default=None, description="host name only; empty = AWS S3")
    minio_port: Port = 9000
    minio_use_ssl: bool = False
    minio_access_key: SecretStr | None = None
    minio_secret_key: SecretStr | None = None
    minio_bucket: str = "whatsapp-media"
    events_bucket: str = "deeplens-events"
    aws_region: str = "us-east-1"

    @field_validator("minio_endpoint")
    @classmethod
    def _host_only(cls, value: str | None) -> str | None:
        if value and ("/" in value or ":" in value):
            raise ValueError("expected a host name without scheme or port (the port is MINIO_PORT)")
        return value or None

    @field_validator("minio_bucket", "events_bucket")
    @classmethod
    def _bucket_name(cls, value: str) -> str:
        if not _BUCKET.match(value):
            raise ValueError("expected an S3 bucket name (3-63 of a-z, 0-9, '.', '-')")
        return value

    @property
    def s3_endpoint_url(self) -> str | None:
        if self.minio_endpoint is None:
            return None
        scheme = "https" if self.minio_use_ssl else "http"
        return f"{scheme}://{self.minio_endpoint}:{self.minio_port}"


class SqsEndpointSettings(_Base):
    """Where SQS is: a local server (moto, LocalStack) or, when empty, AWS."""

    sqs_endpoint_url: AnyHttpUrl | None = Field(default=None, description="empty = AWS SQS")
    sqs_access_key: SecretStr | None = None
    sqs_secret_key: SecretStr | None = None


class QueueSettings(SqsEndpointSettings):
    ingest_queue_url: AnyHttpUrl = Field(description="URL of the SQS ingest queue")
    ingest_dlq_url: AnyHttpUrl | None = None


class RedisSettings(_Base):
    redis_host: str = "localhost"
    redis_port: Port = 6379
    redis_password: SecretStr | None = None
    redis_db: Annotated[int, Field(ge=0, le=15)] = 0
    # ElastiCache: serverless always requires TLS; AUTH as a password, or an ACL user + password.
    redis_tls: bool = Field(default=False, description="TLS to Redis (certificate and host name verified)")
    redis_username: str | None = Field(default=None, description="ACL user (Redis 6+); empty = default user")


class PolicySettings(_Base):
    default_track_groups: bool = False
    default_track_private: bool = True
    # Days the content of untracked chats is held in the log's `untracked/` prefix, so tracking a
    # chat later brings its history back; 0: nothing is held (docs/decisions.md, retro-tracking).
    untracked_retention_days: Annotated[int, Field(ge=0, le=3650)] = 30


class MigrateSettings(DatabaseSettings):
    """The deploy step that applies migrations."""

    migrations_dir: Path | None = Field(
        default=None, description="default: the repository's infra/migrations"
    )
    migrate_lock_timeout_seconds: Annotated[float, Field(gt=0, le=3600)] = 600.0


class IngestSettings(DatabaseSettings, SessionSettings, S3Settings, PolicySettings, SqsEndpointSettings):
    """The SQS-triggered ingest function."""

    # A record that fails on a transient error is hidden for base * 2^(receives-1) seconds, up to
    # max; the queue's maxReceiveCount covers the budget (domain/retry.py, template.yaml).
    ingest_retry_base_seconds: Annotated[int, Field(ge=0, le=43_200)] = 5
    ingest_retry_max_seconds: Annotated[int, Field(ge=1, le=43_200)] = 300
    ingest_retry_budget_seconds: Annotated[int, Field(ge=0)] = 3600

    @property
    def retry_schedule(self) -> RetrySchedule:
        return RetrySchedule(
            self.ingest_retry_base_seconds, self.ingest_retry_max_seconds, self.ingest_retry_budget_seconds
        )


class ReconcileSettings(IngestSettings, QueueSettings):
    """The reconcile step: the events log, the archive, and the queue it re-enqueues into."""

    reconcile_min_age_seconds: Annotated[int, Field(ge=0)] = 300
    # One run's work is bounded (a big backlog is worked off over several runs, resuming where the
    # last one stopped); days older than the settle window are listed again only with --full.
    reconcile_max_listed: Annotated[int, Field(ge=1)] = 200_000
    reconcile_max_enqueued: Annotated[int, Field(ge=1)] = 10_000
    reconcile_settle_days: Annotated[int, Field(ge=1, le=365)] = 2


class ImportSettings(DatabaseSettings, SessionSettings, S3Settings, QueueSettings):
    """The chat-export importer: the archive (dedup), both buckets and the ingest queue."""


class WorkerSettings(ReconcileSettings):
    """The local event-source mapping: ingest plus the queue it polls."""

    worker_batch_size: Annotated[int, Field(ge=1, le=10)] = 10
    worker_wait_seconds: Annotated[int, Field(ge=0, le=20)] = 5
    # fairness between accounts (services/event_source.FairPoller); 0: plain poll_once
    worker_lookahead: Annotated[int, Field(ge=0, le=1000)] = 200
    worker_max_events: Annotated[int, Field(ge=1, le=100_000)] = 1000


class ExportSettings(DatabaseSettings, SessionSettings, S3Settings):
    """The export command: the archive, the media bucket (its files, and finished exports under
    `exports/`)."""

    export_link_seconds: Annotated[int, Field(ge=60, le=7 * 86400)] = Field(
        default=86400, description="how long a presigned link to an uploaded export works"
    )


_PLACEHOLDERS = frozenset({"change-me", "changeme", "password", "admin", "secret", "letmein", "deeplens"})
_PASSWORD_HASH = re.compile(r"^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$")
MIN_PASSWORD_LENGTH = 12


class ApiSettings(
    DatabaseSettings, SessionSettings, S3Settings, RedisSettings, PolicySettings, SqsEndpointSettings
):
    """The HTTP API function (uvicorn locally, Mangum in Lambda)."""

    port: Port = 3000
    host: str = Field(default="127.0.0.1", description="address uvicorn binds; 0.0.0.0 = every interface")
    public_url: str | None = Field(
        default=None, description="the address users type; default http://HOST:PORT"
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="IPs/CIDRs whose X-Forwarded-For/-Proto are believed; default none"
    )
    max_body_bytes: Annotated[int, Field(ge=1024, le=64 * 1024 * 1024)] = 1024 * 1024
    origin_verify_secret: SecretStr | None = Field(
        default=None, description="Lambda: CloudFront's origin header; proves CloudFront-Viewer-Address"
    )
    admin_password: SecretStr | None = Field(default=None, description="the admin login; >= 12 chars")
    admin_password_hash: SecretStr | None = Field(
        default=None, description="scrypt$N$r$p$salt$hash (python -m deeplens.entrypoints.local_api --hash)"
    )
    session_ttl_seconds: Annotated[int, Field(ge=300, le=90 * 86400)] = 7 * 86400
    session_store_url: SecretStr | None = Field(
        default=None, description="the whatsmeow session store: deleting an account removes its device"
    )
    cookie_secure: bool = False
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    frontend_dir: Path = Path("frontend/dist")
    presign_ttl_seconds: Annotated[int, Field(ge=60, le=7 * 86400)] = 3600
    presign_cache_seconds: Annotated[int, Field(ge=1)] = 3300
    login_max_attempts: Annotated[int, Field(ge=1)] = 10
    login_window_seconds: Annotated[int, Field(ge=1)] = 300
    db_pool_size: Annotated[int, Field(ge=1, le=64)] = 8
    media_delivery: Literal["stream", "redirect"] = Field(
        default="stream", description="stream: media through the API; redirect: 302 to a presigned URL"
    )
    media_public_endpoint: str | None = Field(
        default=None, description="scheme://host[:port] browsers reach the bucket at (redirect mode)"
    )
    # Import and export jobs of the web UI (services/import_jobs.py, services/export_jobs.py).
    ingest_queue_url: AnyHttpUrl | None = Field(default=None, description="imports publish here")
    transfer_queue_url: AnyHttpUrl | None = Field(
        default=None, description="jobs go to the job function through this queue (AWS); empty = API threads"
    )
    import_max_bytes: Annotated[int, Field(ge=1024, le=5 * 1024**4)] = Field(
        default=2 * 1024**3, description="largest export file the web UI may upload for import"
    )
    export_link_seconds: Annotated[int, Field(ge=60, le=7 * 86400)] = Field(
        default=86400, description="how long a presigned link to a finished export works"
    )

    @field_validator("transfer_queue_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        """Declared empty (sam local's env file): the API runs the jobs itself."""
        return None if value == "" else value

    @field_validator("admin_password")
    @classmethod
    def _real_password(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        secret = value.get_secret_value()
        if secret.lower() in _PLACEHOLDERS or len(secret) < MIN_PASSWORD_LENGTH:
            raise ValueError(f"a placeholder or shorter than {MIN_PASSWORD_LENGTH} characters")
        return value

    @field_validator("admin_password_hash")
    @classmethod
    def _hash_format(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not _PASSWORD_HASH.match(value.get_secret_value()):
            raise ValueError("expected scrypt$N$r$p$salt$hash (base64 salt and hash)")
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not _PUBLIC_URL.match(value):
            raise ValueError("expected http(s)://host[:port][/path], without query or fragment")
        return value.rstrip("/")

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxy_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [item.strip() for item in value.split(",") if item.strip()]
        return [_network(item) for item in value] if isinstance(value, list) else value

    @property
    def base_url(self) -> str:
        """PUBLIC_URL, else the address uvicorn listens on (IPv6 in brackets)."""
        if self.public_url:
            return self.public_url
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @field_validator("media_public_endpoint")
    @classmethod
    def _endpoint_origin(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not _ENDPOINT_ORIGIN.match(value):
            raise ValueError("expected http(s)://host[:port] without a path (presigned URLs sign the path)")
        return value.rstrip("/")

    @field_validator("presign_cache_seconds")
    @classmethod
    def _cache_shorter_than_url(cls, value: int, info: ValidationInfo) -> int:
        if value >= info.data.get("presign_ttl_seconds", 3600):
            raise ValueError("must be shorter than PRESIGN_TTL_SECONDS (a cached URL must still work)")
        return value


def _network(item: Any) -> str:
    """One TRUSTED_PROXIES entry as a network ('10.0.0.5' -> '10.0.0.5/32'); a typo stops the start."""
    try:
        return str(ipaddress.ip_network(str(item).strip(), strict=False))
    except ValueError:
        raise ValueError(f"{item!r} is not an IP address or CIDR network") from None


SettingsT = TypeVar("SettingsT", bound=BaseSettings)


def load_settings(cls: type[SettingsT], **overrides: Any) -> SettingsT:
    """Build and validate `cls` from the environment; ConfigurationError names each bad variable."""
    try:
        return cls(**overrides)
    except ValidationError as error:
        raise ConfigurationError(describe_errors(cls, error)) from None


def describe_errors(cls: type[BaseSettings], error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "?"
        variable = field.upper()
        if item["type"] == "missing":
            lines.append(f"{variable}: required but not set")
            continue
        reason = str(item["msg"]).removeprefix("Value error, ")
        shown = "" if _is_secret(cls, field) else f" (got {item.get('input')!r})"
        lines.append(f"{variable}: {reason}{shown}")
    return "invalid configuration: " + "; ".join(lines)


def _is_secret(cls: type[BaseSettings], field: str) -> bool:
    info = cls.model_fields.get(field)
    return info is not None and "Secret" in str(info.annotation)
