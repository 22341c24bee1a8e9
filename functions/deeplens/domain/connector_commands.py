"""What the API may ask a session's connector to do (the pairing controls), as pure rules.

The API checks a request with these rules and pushes `encode(command)` onto the Redis list
`commands_key(session)`; the connector pops each entry, `parse`s it, drops it when it is `stale` or
`superseded`, and acts. Shared by both sides, so neither can drift from the other.

- `pair_phone` {phone}: ask WhatsApp for an 8-character link code for that number (pairing without
  a camera); only while the account is not linked.
- `logout`: unlink this device; the connector then restarts and shows a new QR.
- `restart`: a fresh session process.
- `new_code`: a fresh QR (a restart while pairing); only while the account is not linked.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, get_args

from deeplens.domain.errors import DeepLensError, InvalidRequest

CommandName = Literal["pair_phone", "logout", "restart", "new_code"]
COMMAND_NAMES: tuple[CommandName, ...] = get_args(CommandName)
MAX_AGE = timedelta(minutes=2)  # an older command is dropped: nobody waits for it any more
MAX_QUEUED = 20  # the list keeps the newest this many (a burst of clicks or a fuzzer)
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 7, 15  # E.164 allows 15 digits, country code included
PAIRED_STATES = frozenset({"paired", "connected", "reconnecting"})
NEEDS_UNLINKED: frozenset[CommandName] = frozenset({"pair_phone", "new_code"})
RESTARTS: frozenset[CommandName] = frozenset({"restart", "new_code"})
LINK_CODE_LENGTH = 8
_PHONE_TEXT = re.compile(r"^\+?[0-9 ()\-]+$")
_LINK_CODE = re.compile(r"^[A-Z0-9]{8}$")


class InvalidCommand(DeepLensError):
    """An entry of the command list this code cannot read (dropped with its reason)."""


class UnexpectedLinkCode(DeepLensError):
    """WhatsApp answered with something that is not an 8-character link code."""


@dataclass(frozen=True)
class ConnectorCommand:
    command: CommandName
    issued_at: datetime  # timezone-aware
    phone: str | None = None  # pair_phone: digits only, country code first


def commands_key(session: str) -> str:
    """The Redis list the API pushes onto and the connector pops from."""
    return f"connector_commands:{session}"


def normalise_phone(raw: str) -> str:
    """'+49 151 1234-5678' -> '4915112345678'; anything else is an InvalidRequest naming `phone`."""
    text = raw.strip()
    if not _PHONE_TEXT.match(text):
        raise InvalidRequest(
            "a phone number has only digits, an optional leading +, spaces, dashes and parentheses", "phone"
        )
    digits = re.sub(r"\D", "", text)
    if not MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS:
        raise InvalidRequest(
            f"a phone number with its country code has {MIN_PHONE_DIGITS} to {MAX_PHONE_DIGITS} digits,"
            f" not {len(digits)}",
            "phone",
        )
    if digits.startswith("0"):
        raise InvalidRequest("start with the country code (e.g. +49 151 ...), not with 0 or 00", "phone")
    return digits


def pair_phone(raw_phone: str, now: datetime) -> ConnectorCommand:
    return ConnectorCommand("pair_phone", now, normalise_phone(raw_phone))


def plain(command: Literal["logout", "restart", "new_code"], now: datetime) -> ConnectorCommand:
    return ConnectorCommand(command, now)


def refusal(command: CommandName, state: str) -> str | None:
    """Why `command` makes no sense in the connector's `state`, or None when it does."""
    if command in NEEDS_UNLINKED and state in PAIRED_STATES:
        return f"this account is already linked (connector state '{state}'); log it out first to link again"
    return None


def encode(command: ConnectorCommand) -> str:
    args = {} if command.phone is None else {"phone": command.phone}
    return json.dumps({"command": command.command, "args": args, "issued_at": command.issued_at.isoformat()})


def parse(raw: str | bytes) -> ConnectorCommand:
    """One list entry; InvalidCommand says what is wrong with it."""
    try:
        data = json.loads(raw)
    except ValueError:
        raise InvalidCommand("not JSON") from None
    if not isinstance(data, dict):
        raise InvalidCommand("not a JSON object")
    name = data.get("command")
    if name not in COMMAND_NAMES:
        raise InvalidCommand(f"unknown command {str(name)[:40]!r}")
    issued_at = _issued_at(data.get("issued_at"))
    return ConnectorCommand(name, issued_at, _phone_arg(name, data.get("args")))


def _issued_at(value: Any) -> datetime:
    try:
        issued_at = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        issued_at = None
    if issued_at is None or issued_at.tzinfo is None:
        raise InvalidCommand("issued_at must be an ISO 8601 time with its UTC offset")
    return issued_at


def _phone_arg(name: CommandName, args: Any) -> str | None:
    if name != "pair_phone":
        return None
    phone = args.get("phone") if isinstance(args, dict) else None
    if not isinstance(phone, str):
        raise InvalidCommand("pair_phone needs args.phone")
    try:
        return normalise_phone(phone)
    except InvalidRequest as error:
        raise InvalidCommand(f"pair_phone: {error.message}") from None


def stale(command: ConnectorCommand, now: datetime, max_age: timedelta = MAX_AGE) -> bool:
    """Issued longer ago than `max_age`: whoever asked has given up waiting."""
    return now - command.issued_at > max_age


def superseded(command: ConnectorCommand, process_started_at: datetime) -> bool:
    """A restart asked for before this process started is already done: this process is it."""
    return command.command in RESTARTS and command.issued_at < process_started_at


def format_link_code(code: str) -> str:
    """WhatsApp's link code as people type it: 'abcdefgh' or 'ABCD-EFGH' -> 'ABCD-EFGH'."""
    compact = re.sub(r"[\s-]", "", code).upper()
    if not _LINK_CODE.match(compact):
        raise UnexpectedLinkCode(f"not an {LINK_CODE_LENGTH}-character link code: {code[:20]!r}")
    return f"{compact[:4]}-{compact[4:]}"
