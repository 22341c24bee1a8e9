from __future__ import annotations

from fastapi import APIRouter

from deeplens.entrypoints.http.deps import Authenticated, Deps
from deeplens.entrypoints.http.responses import errors
from deeplens.entrypoints.http.schemas import ConnectorSession
from deeplens.services import status

router = APIRouter(prefix="/api", tags=["session"], dependencies=Authenticated)


@router.get("/session", operation_id="get_session", response_model=ConnectorSession, responses=errors())
def get_session(deps: Deps) -> ConnectorSession:
    """The connector's state: connected or not, the pairing QR, history sync progress."""
    return ConnectorSession(**status.connector_session(deps))
