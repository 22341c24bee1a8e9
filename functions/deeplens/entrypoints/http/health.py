from __future__ import annotations

from fastapi import APIRouter, Response

from deeplens.entrypoints.http.deps import InstallationDeps as Deps
from deeplens.entrypoints.http.schemas import Health
from deeplens.services import status

router = APIRouter(prefix="/api", tags=["health"])


@router.get(
    "/health",
    operation_id="get_health",
    response_model=Health,
    responses={503: {"model": Health, "description": "a dependency is down"}},
)
def get_health(deps: Deps, response: Response) -> Health:
    """Each dependency's state; 503 when any is down. Needs no credentials."""
    report = status.health(deps)
    healthy = all(state == "ok" for state in report.values())
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return Health(status="ok" if healthy else "degraded", dependencies=report)
