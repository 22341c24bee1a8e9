"""Settings: a bad or missing value stops the process with one line naming the variable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from deeplens.domain.errors import ConfigurationError
from deeplens.settings import ApiSettings, IngestSettings, S3Settings, WorkerSettings, load_settings

GOOD = {"DATABASE_URL": "postgresql://u:p@127.0.0.1:5432/db"}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("DATABASE_URL", "MINIO_PORT", "MINIO_ENDPOINT", "SESSION_ID", "INGEST_QUEUE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_uses_seed_defaults_when_only_database_url_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", GOOD["DATABASE_URL"])
    settings = load_settings(ApiSettings)
    assert (settings.port, settings.session_id, settings.minio_bucket) == (
        3000,
        "primary_agent",
        "whatsapp-media",
    )
    assert (settings.default_track_groups, settings.default_track_private) == (False, True)
    assert settings.s3_endpoint_url is None


def test_names_the_variable_when_it_is_missing() -> None:
    with pytest.raises(ConfigurationError, match="DATABASE_URL: required but not set"):
        load_settings(IngestSettings)


def test_names_variable_and_value_when_port_is_not_a_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", GOOD["DATABASE_URL"])
    monkeypatch.setenv("MINIO_PORT", "nine")
    with pytest.raises(ConfigurationError, match=r"MINIO_PORT: .*integer.*'nine'"):
        load_settings(IngestSettings)


def test_hides_the_value_when_a_secret_is_malformed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://root:hunter2@db/x")
    with pytest.raises(ConfigurationError) as caught:
        load_settings(IngestSettings)
    assert "DATABASE_URL: expected a postgresql://" in str(caught.value)
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("MINIO_ENDPOINT", "http://minio:9000", "without scheme or port"),
        ("MINIO_BUCKET", "Bad_Bucket", "S3 bucket name"),
        ("SESSION_ID", "a b", "letters, digits"),
        ("DEFAULT_TRACK_GROUPS", "maybe", "valid boolean"),
        ("REDIS_PORT", "70000", "less than or equal to 65535"),
    ],
)
def test_rejects_with_reason_when_value_is_malformed(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, reason: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", GOOD["DATABASE_URL"])
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=f"{variable}: .*{reason}"):
        load_settings(ApiSettings)


def test_reports_every_bad_variable_at_once_when_several_are_wrong(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MINIO_PORT", "x")
    with pytest.raises(ConfigurationError) as caught:
        load_settings(WorkerSettings)
    message = str(caught.value)
    assert all(name in message for name in ("DATABASE_URL", "INGEST_QUEUE_URL", "MINIO_PORT"))
    assert "\n" not in message


def test_builds_endpoint_url_when_minio_endpoint_is_set() -> None:
    settings = S3Settings(minio_endpoint="minio", minio_port=9000, minio_use_ssl=True)
    assert settings.s3_endpoint_url == "https://minio:9000"


def test_cli_prints_one_line_and_exits_2_when_configuration_is_bad(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "deeplens.entrypoints.migrate"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={"PATH": "/usr/bin", "MINIO_PORT": "x"},
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    expected = "ConfigurationError: invalid configuration: DATABASE_URL: required"
    assert done.stderr.startswith(expected)


def test_media_is_streamed_and_signed_for_the_s3_endpoint_when_nothing_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", GOOD["DATABASE_URL"])
    settings = load_settings(ApiSettings)
    assert (settings.media_delivery, settings.media_public_endpoint) == ("stream", None)


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("https://media.example.com", "https://media.example.com"),
        ("http://192.168.1.20:24568/", "http://192.168.1.20:24568"),
        ("http://[fd00::5]:9000", "http://[fd00::5]:9000"),
        ("", None),
    ],
)
def test_media_public_endpoint_is_an_origin_when_set(value: str, stored: str | None) -> None:
    settings = load_settings(ApiSettings, **GOOD, media_delivery="redirect", media_public_endpoint=value)
    assert (settings.media_delivery, settings.media_public_endpoint) == ("redirect", stored)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("media_public_endpoint", "https://example.com/s3"),
        ("media_public_endpoint", "media.example.com"),
        ("media_public_endpoint", "ftp://media.example.com"),
        ("media_delivery", "proxy"),
    ],
)
def test_names_the_media_variable_when_it_is_malformed(field: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=field.upper()):
        load_settings(ApiSettings, **GOOD, **{field: value})


@pytest.mark.parametrize(
    ("value", "queue"), [("", None), ("http://127.0.0.1:4566/000000000000/jobs", "jobs")]
)
def test_the_jobs_queue_is_unset_when_declared_empty(
    monkeypatch: pytest.MonkeyPatch, value: str, queue: str | None
) -> None:
    monkeypatch.setenv("DATABASE_URL", GOOD["DATABASE_URL"])
    monkeypatch.setenv("TRANSFER_QUEUE_URL", value)
    url = load_settings(ApiSettings).transfer_queue_url
    assert (url if url is None else str(url).rsplit("/", 1)[1]) == queue
