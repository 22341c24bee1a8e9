"""The connector's session: its state (QR, link code, history sync) and the pairing controls. Each
control only queues a command for the connector (202); GET /api/session shows what came of it."""

from __future__ import annotations

from fastapi import APIRouter

from deeplens.entrypoints.http.deps import Authenticated, Deps
from deeplens.entrypoints.http.responses import errors
from deeplens.entrypoints.http.schemas import CommandAccepted, ConnectorSession, PairPhoneRequest
from deeplens.services import connector_commands as commands
from deeplens.services import status

router = APIRouter(prefix="/api", tags=["session"], dependencies=Authenticated)
ACCEPTED = 202


@router.get("/session", operation_id="get_session", response_model=ConnectorSession, responses=errors())
def get_session(deps: Deps) -> ConnectorSession:
    """The connector's state: connected or not, the pairing QR or link code, history sync progress."""
    return ConnectorSession(**status.connector_session(deps))


@router.post(
    "/connector/pair-phone",
    operation_id="pair_phone",
    status_code=ACCEPTED,
    response_model=CommandAccepted,
    responses=errors(400, 409),
)
def pair_phone(body: PairPhoneRequest, deps: Deps) -> CommandAccepted:
    """Pair by phone number instead of a QR: the connector asks WhatsApp for an 8-character link
    code, shown as `pair_code` in GET /api/session, to enter on the phone (Linked devices -> Link
    with phone number instead). 400: not a phone number; 409: the account is already linked."""
    commands.pair_phone(deps, body.phone)
    return CommandAccepted(command="pair_phone")


@router.post(
    "/connector/logout",
    operation_id="logout_connector",
    status_code=ACCEPTED,
    response_model=CommandAccepted,
    responses=errors(),
)
def logout(deps: Deps) -> CommandAccepted:
    """Unlink this device from the WhatsApp account; the connector restarts and shows a new QR.
    The archive is kept."""
    commands.send_plain(deps, "logout")
    return CommandAccepted(command="logout")


@router.post(
    "/connector/restart",
    operation_id="restart_connector",
    status_code=ACCEPTED,
    response_model=CommandAccepted,
    responses=errors(),
)
def restart(deps: Deps) -> CommandAccepted:
    """Restart the connector's session process (the watcher starts a fresh one)."""
    commands.send_plain(deps, "restart")
    return CommandAccepted(command="restart")


@router.post(
    "/connector/new-code",
    operation_id="new_pairing_code",
    status_code=ACCEPTED,
    response_model=CommandAccepted,
    responses=errors(409),
)
def new_code(deps: Deps) -> CommandAccepted:
    """A fresh QR code (the session process restarts while pairing). 409: already linked."""
    commands.send_plain(deps, "new_code")
    return CommandAccepted(command="new_code")
