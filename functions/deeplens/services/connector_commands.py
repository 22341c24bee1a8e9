"""The pairing controls: a command for the session's connector, checked here and queued in Redis
(the connector pops it within a second or two; domain/connector_commands.py has the rules)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from deeplens.domain import connector_commands as rules
from deeplens.domain.connector_commands import ConnectorCommand
from deeplens.domain.errors import Conflict
from deeplens.services.api import ApiDeps
from deeplens.services.status import connector_state


def pair_phone(deps: ApiDeps, phone: str) -> ConnectorCommand:
    """A link code for `phone` (InvalidRequest for a bad number, Conflict once linked)."""
    command = rules.pair_phone(phone, _now())
    return _send(deps, command)


def send_plain(deps: ApiDeps, name: Literal["logout", "restart", "new_code"]) -> ConnectorCommand:
    return _send(deps, rules.plain(name, _now()))


def _send(deps: ApiDeps, command: ConnectorCommand) -> ConnectorCommand:
    if command.command in rules.NEEDS_UNLINKED:
        reason = rules.refusal(command.command, connector_state(deps))
        if reason is not None:
            raise Conflict(reason)
    ttl_s = int(rules.MAX_AGE.total_seconds())
    deps.cache.push(rules.commands_key(deps.session), rules.encode(command), ttl_s, rules.MAX_QUEUED)
    return command


def _now() -> datetime:
    return datetime.now(UTC)
