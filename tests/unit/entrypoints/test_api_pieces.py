"""Pure pieces of the API: cursors, password hashing, search bounds and snippets, settings."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from deeplens.domain.errors import ConfigurationError, InvalidRequest
from deeplens.services.auth import hash_password, verify_password
from deeplens.services.cursors import decode_cursor, encode_cursor
from deeplens.services.search import epoch_ms, highlighted
from deeplens.settings import ApiSettings, load_settings

URL = "postgresql://u:p@127.0.0.1:5432/db"


def test_cursor_round_trips_when_built_from_a_sort_key() -> None:
    cursor = encode_cursor(1_764_000_000_000, "3EB0A1")
    assert decode_cursor(cursor, "before", (int, str)) == (1_764_000_000_000, "3EB0A1")
    assert decode_cursor(encode_cursor(None, "a@g.us"), "cursor", ((int, type(None)), str)) == (
        None,
        "a@g.us",
    )
    assert decode_cursor(encode_cursor(0.25, 1, "c", "i"), "cursor", (float, int, str, str))[0] == 0.25


@pytest.mark.parametrize(
    "cursor",
    ["", "!!", "e30", encode_cursor("1", "x"), encode_cursor(1), encode_cursor(True, "x"), "A" * 2000],
)
def test_cursor_is_refused_naming_the_field_when_forged(cursor: str) -> None:
    with pytest.raises(InvalidRequest) as raised:
        decode_cursor(cursor, "before", (int, str))
    assert raised.value.field == "before"


def test_password_verifies_only_itself_when_hashed_with_scrypt() -> None:
    encoded = hash_password("a long passphrase")
    assert encoded.startswith("scrypt$16384$8$1$")
    assert verify_password("a long passphrase", encoded)
    assert not verify_password("a long passphrasE", encoded)
    assert hash_password("a long passphrase") != encoded  # salted


@pytest.mark.parametrize("encoded", ["", "scrypt$x", "scrypt$1$8$1$!!$!!", "md5$abc"])
def test_password_check_fails_closed_when_hash_is_malformed(encoded: str) -> None:
    assert verify_password("anything", encoded) is False


def test_date_bounds_cover_whole_utc_days_when_dates_are_given() -> None:
    assert epoch_ms(date(2025, 11, 24), end_of_day=False) == 1_763_942_400_000
    assert epoch_ms(date(2025, 11, 24), end_of_day=True) == 1_763_942_400_000 + 86_400_000
    assert epoch_ms(datetime(2025, 11, 24, 1, 0), end_of_day=True) == 1_763_946_000_000


@pytest.mark.parametrize(
    ("moment", "end_of_day"),
    [
        (date(9999, 12, 31), True),  # its day would end in year 10000: was an OverflowError (500)
        (date(9999, 12, 31), False),
        (date(1, 1, 1), False),
        (date(1969, 12, 31), False),
        (datetime(9999, 12, 31, 23, 59), False),
        (datetime.fromisoformat("0001-01-01T00:00:00+14:00"), False),
    ],
)
def test_date_bound_is_refused_naming_the_field_when_outside_the_archive_range(
    moment: date, end_of_day: bool
) -> None:
    with pytest.raises(InvalidRequest) as raised:
        epoch_ms(moment, end_of_day=end_of_day, field="from")
    assert raised.value.field == "from"
    assert "1970-01-01 and 9999-12-30" in raised.value.message


def test_date_bounds_reach_the_ends_of_the_range_when_at_them() -> None:
    assert epoch_ms(date(1970, 1, 1), end_of_day=False) == 0
    assert epoch_ms(date(9999, 12, 30), end_of_day=True) == 253_402_214_400_000


def test_snippet_is_escaped_and_marked_when_highlighted() -> None:
    assert highlighted("<b>\ue000Tom\ue001</b> & co") == "&lt;b&gt;<mark>Tom</mark>&lt;/b&gt; &amp; co"


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("ADMIN_PASSWORD", "ADMIN_PASSWORD_HASH", "CORS_ORIGINS", "PRESIGN_CACHE_SECONDS"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_env")
@pytest.mark.parametrize("password", ["change-me", "password", "tiny"])
def test_settings_refuse_admin_password_when_placeholder_or_short(password: str) -> None:
    with pytest.raises(ConfigurationError, match="ADMIN_PASSWORD: a placeholder") as raised:
        load_settings(ApiSettings, database_url=URL, admin_password=password)
    assert password not in str(raised.value)


@pytest.mark.usefixtures("no_env")
def test_settings_refuse_cache_outliving_url_when_presign_times_conflict() -> None:
    with pytest.raises(ConfigurationError, match="PRESIGN_CACHE_SECONDS"):
        load_settings(ApiSettings, database_url=URL, presign_cache_seconds=3600)


@pytest.mark.usefixtures("no_env")
def test_settings_read_api_defaults_and_lists_when_environment_sets_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "http://localhost:5173, https://archive.example")
    settings = load_settings(ApiSettings, database_url=URL)
    assert settings.cors_origins == ["http://localhost:5173", "https://archive.example"]
    assert (settings.presign_ttl_seconds, settings.presign_cache_seconds, settings.cookie_secure) == (
        3600,
        3300,
        False,
    )
    assert settings.admin_password is None
    with pytest.raises(ConfigurationError, match="ADMIN_PASSWORD_HASH"):
        load_settings(ApiSettings, database_url=URL, admin_password_hash="plain")
