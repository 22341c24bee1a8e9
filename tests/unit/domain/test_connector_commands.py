"""The pairing commands' rules: phone numbers, the list entry format, staleness, link codes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from deeplens.domain import connector_commands as rules
from deeplens.domain.connector_commands import ConnectorCommand, InvalidCommand, UnexpectedLinkCode
from deeplens.domain.errors import InvalidRequest

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("+49 151 1234 5678", "4915112345678"),
        ("+1 (415) 555-0100", "14155550100"),
        ("  4915112345678 ", "4915112345678"),
        ("+44-20-7946-0958", "442079460958"),
        ("1234567", "1234567"),
        ("+123456789012345", "123456789012345"),
    ],
)
def test_phone_becomes_digits_when_written_as_people_write_it(raw: str, digits: str) -> None:
    assert rules.normalise_phone(raw) == digits


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "only digits"),
        ("+49 151 abc", "only digits"),
        ("49+151", "only digits"),
        ("++49151123456", "only digits"),
        ("+49.151.123456", "only digits"),
        ("+49\x00151123456", "only digits"),
        ("123456", "7 to 15 digits, not 6"),
        ("+1234567890123456", "7 to 15 digits, not 16"),
        ("0151 1234 5678", "country code"),
        ("0049 151 1234 5678", "country code"),
        ("+ () -", "not 0"),
    ],
)
def test_phone_is_refused_naming_the_field_when_not_a_number_with_country_code(raw: str, reason: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        rules.normalise_phone(raw)
    assert reason in refused.value.message
    assert refused.value.field == "phone"


def test_command_reads_back_the_same_when_encoded() -> None:
    for command in (rules.pair_phone("+49 151 1234 5678", NOW), rules.plain("logout", NOW)):
        assert rules.parse(rules.encode(command)) == command


def test_entry_is_small_json_with_command_args_and_issue_time_when_encoded() -> None:
    entry = json.loads(rules.encode(rules.pair_phone("+4915112345678", NOW)))
    assert entry == {
        "command": "pair_phone",
        "args": {"phone": "4915112345678"},
        "issued_at": "2026-12-06T10:00:00+00:00",
    }
    assert rules.commands_key("primary_agent") == "connector_commands:primary_agent"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("not json", "not JSON"),
        ("[1]", "not a JSON object"),
        ('{"command": "format_disk", "issued_at": "2026-12-06T10:00:00+00:00"}', "unknown command"),
        ('{"command": "restart"}', "issued_at"),
        ('{"command": "restart", "issued_at": "2026-12-06T10:00:00"}', "UTC offset"),
        ('{"command": "restart", "issued_at": "yesterday"}', "issued_at"),
        ('{"command": "pair_phone", "issued_at": "2026-12-06T10:00:00+00:00"}', "args.phone"),
        ('{"command": "pair_phone", "args": {"phone": "01"}, "issued_at": "2026-12-06T10:00Z"}', "digits"),
    ],
)
def test_entry_is_refused_with_reason_when_unreadable(raw: str, reason: str) -> None:
    with pytest.raises(InvalidCommand, match=reason):
        rules.parse(raw)


def test_command_is_stale_when_older_than_two_minutes() -> None:
    command = rules.plain("logout", NOW)
    assert not rules.stale(command, NOW + timedelta(seconds=119))
    assert rules.stale(command, NOW + timedelta(seconds=121))


def test_restart_is_superseded_when_asked_for_before_this_process_started() -> None:
    started = NOW + timedelta(seconds=5)
    assert rules.superseded(rules.plain("restart", NOW), started)
    assert rules.superseded(rules.plain("new_code", NOW), started)
    assert not rules.superseded(rules.plain("restart", started + timedelta(seconds=1)), started)
    assert not rules.superseded(rules.plain("logout", NOW), started)  # still to be done
    assert not rules.superseded(rules.pair_phone("4915112345678", NOW), started)


@pytest.mark.parametrize("state", ["paired", "connected", "reconnecting"])
def test_pairing_commands_are_refused_when_account_is_linked(state: str) -> None:
    for name in ("pair_phone", "new_code"):
        reason = rules.refusal(name, state)
        assert reason is not None and "already linked" in reason
    assert rules.refusal("logout", state) is None
    assert rules.refusal("restart", state) is None


@pytest.mark.parametrize(
    "state", ["unknown", "starting", "connecting", "waiting_for_qr", "offline", "logged_out"]
)
def test_pairing_commands_are_accepted_when_account_is_not_linked(state: str) -> None:
    assert rules.refusal("pair_phone", state) is None
    assert rules.refusal("new_code", state) is None


@pytest.mark.parametrize("code", ["ABCDEFGH", "abcd-efgh", "ABCD-EFGH", " ABCD EFGH "])
def test_link_code_is_shown_as_two_groups_of_four_when_formatted(code: str) -> None:
    assert rules.format_link_code(code) == "ABCD-EFGH"


@pytest.mark.parametrize("code", ["", "ABCDEFG", "ABCDEFGHI", "ABCD_EFGH"])
def test_link_code_is_refused_when_not_eight_characters(code: str) -> None:
    with pytest.raises(UnexpectedLinkCode):
        rules.format_link_code(code)


def test_command_without_phone_is_plain_when_built() -> None:
    assert rules.plain("new_code", NOW) == ConnectorCommand("new_code", NOW)
