"""The API as one FastAPI app: uvicorn runs it locally, Mangum in Lambda (entrypoints/api.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import Scope

from deeplens.entrypoints.http import auth, chats, health, media, search, session, tracking
from deeplens.entrypoints.http.deps import Authenticated, refuse_nul
from deeplens.entrypoints.http.errors import install_error_handlers
from deeplens.services.api import ApiDeps

ROUTERS = (
    health.router,
    auth.router,
    session.router,
    chats.router,
    search.router,
    media.router,
    tracking.router,
)


def create_app(deps: ApiDeps) -> FastAPI:
    """Routes, error mapping, CORS (closed unless CORS_ORIGINS is set), the built frontend at `/`."""
    app = FastAPI(
        title="DeepLens-Connect API",
        version="1",
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(refuse_nul)],
    )
    app.state.deps = deps
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    _add_openapi_route(app)
    if deps.settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=deps.settings.cors_origins,
            allow_credentials=True,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    _mount_frontend(app, deps.settings.frontend_dir)
    return app


def _add_openapi_route(app: FastAPI) -> None:
    """The OpenAPI document, behind the same credentials as the API it describes."""

    @app.get("/api/openapi.json", include_in_schema=False, dependencies=Authenticated)
    def openapi() -> dict[str, Any]:
        return app.openapi()


class _SinglePageApp(StaticFiles):
    """Static files; any other path outside /api/ gets index.html (client-side routes)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as error:
            if error.status_code != 404 or path == "api" or path.startswith("api/"):
                raise
            return await super().get_response("index.html", scope)


def _mount_frontend(app: FastAPI, directory: Path) -> None:
    if (directory / "index.html").is_file():
        app.mount("/", _SinglePageApp(directory=directory, html=True), name="frontend")
