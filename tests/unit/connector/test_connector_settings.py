from __future__ import annotations

from pathlib import Path

import pytest
from deeplens.domain.errors import ConfigurationError
from deeplens_connector.settings import ConnectorSettings

from tests.support import settings_from

ENV = {
    "DATABASE_URL": "postgresql://u:p@127.0.0.1:5432/deeplens",
    "SESSION_STORE_URL": "postgres://u:p@127.0.0.1:5432/deeplens_wa?sslmode=disable",
    "INGEST_QUEUE_URL": "http://127.0.0.1:4566/000000000000/ingest",
}


def test_spool_lives_under_data_dir_when_not_configured() -> None:
    settings = settings_from(
        ConnectorSettings, ENV, deeplens_data_dir="/var/lib/deeplens", session_id="acct1"
    )
    assert settings.spool_dir == Path("/var/lib/deeplens/connector-spool/acct1")


def test_start_refuses_with_variable_name_when_session_store_is_not_a_url() -> None:
    with pytest.raises(ConfigurationError) as error:
        settings_from(ConnectorSettings, {**ENV, "SESSION_STORE_URL": "host=db user=wa password=hunter2"})
    assert "SESSION_STORE_URL" in str(error.value)
    assert "hunter2" not in str(error.value)
    assert "\n" not in str(error.value)


def test_start_refuses_when_pgx_pool_parameters_are_given() -> None:
    url = ENV["SESSION_STORE_URL"] + "&pool_max_conns=20"
    with pytest.raises(ConfigurationError, match="SESSION_STORE_URL: pgx-style"):
        settings_from(ConnectorSettings, {**ENV, "SESSION_STORE_URL": url})


def test_start_refuses_when_media_workers_is_zero() -> None:
    with pytest.raises(ConfigurationError, match="CONNECTOR_MEDIA_WORKERS"):
        settings_from(ConnectorSettings, {**ENV, "CONNECTOR_MEDIA_WORKERS": "0"})
