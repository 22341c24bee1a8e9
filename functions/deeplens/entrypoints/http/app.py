"""The API as one FastAPI app: uvicorn runs it locally, Mangum in Lambda (entrypoints/api.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from deeplens.entrypoints.http import (
    accounts,
    auth,
    calls,
    changes,
    chats,
    exports,
    health,
    imports,
    media,
    pictures,
    search,
    session,
    stories,
    tracking,
)
from deeplens.entrypoints.http.deps import Authenticated, refuse_nul
from deeplens.entrypoints.http.errors import install_error_handlers
from deeplens.entrypoints.http.guards import BodyLimit, SecurityHeaders, security_headers
from deeplens.services.api import ApiDeps

ROUTERS = (
    accounts.router,
    calls.router,
    health.router,
    auth.router,
    session.router,
    chats.router,
    search.router,
    media.router,
    pictures.router,
    tracking.router,
    changes.router,
    imports.router,
    exports.router,
    stories.router,
)


class _GuardedApp(FastAPI):
    """FastAPI whose whole middleware stack, the 500 handler included, sits inside the guards:
    every response carries the security headers, every request body is bounded."""

    def build_middleware_stack(self) -> ASGIApp:
        deps: ApiDeps = self.state.deps
        upload = {("PUT", re.compile(imports.UPLOAD_PATH)): deps.settings.import_max_bytes}
        bounded = BodyLimit(super().build_middleware_stack(), deps.settings.max_body_bytes, upload)
        return SecurityHeaders(bounded, security_headers(_media_origins(deps)))


def create_app(deps: ApiDeps) -> FastAPI:
    """Routes, error mapping, CORS (closed unless CORS_ORIGINS is set), the built frontend at `/`,
    security headers and the body limit around all of it (guards.py)."""
    app = _routed_app()
    app.state.deps = deps
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


def _routed_app() -> FastAPI:
    """The app without its deps: the routes, the error mapping and the OpenAPI route. What the
    OpenAPI document says depends on this alone (openapi_document)."""
    app = _GuardedApp(
        title="DeepLens-Connect API",
        version="1",
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(refuse_nul)],
        redirect_slashes=False,  # /api/chats/ is an unknown path (JSON 404), not a redirect
    )
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    _declare_account_errors(app)
    _add_openapi_route(app)
    return app


# What the `account` query parameter's dependency (deps.py) may answer on every route that takes it.
ACCOUNT_ERRORS = {
    "400": "several accounts and no `account` given",
    "403": "this credential may not use that account",
    "404": "no such account (or no such resource)",
}


def _declare_account_errors(app: FastAPI) -> None:
    """The account scope's answers, declared once for every operation with the `account` parameter
    (FastAPI does not document what a dependency raises)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()  # FastAPI keeps it as app.openapi_schema: changed in place, built once
        for operation in (op for ops in document.get("paths", {}).values() for op in ops.values()):
            if any(p.get("name") == "account" for p in operation.get("parameters", [])):
                for code, why in ACCOUNT_ERRORS.items():
                    operation["responses"].setdefault(code, _error_response(why))
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _error_response(description: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/ErrorResponse"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def openapi_document() -> dict[str, Any]:
    """The document GET /api/openapi.json serves, built without settings, database or any I/O
    (entrypoints/openapi_export.py writes it for the web UI's generated types)."""
    return _routed_app().openapi()


def _add_openapi_route(app: FastAPI) -> None:
    """The OpenAPI document, behind the same credentials as the API it describes."""

    @app.get("/api/openapi.json", include_in_schema=False, dependencies=Authenticated)
    def openapi() -> dict[str, Any]:
        return app.openapi()


def _media_origins(deps: ApiDeps) -> list[str]:
    """The origin presigned media URLs point to (the UI follows /api/media redirects there), from
    a URL signed locally for a key that need not exist; none when the store cannot sign."""
    try:
        parts = urlsplit(deps.media.presign_get("content-security-policy-probe", 60))
    except Exception:  # a store that cannot sign serves no cross-origin media
        return []
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme in ("http", "https") and parts.netloc else []


def is_api_path(path: str) -> bool:
    """/api and everything under it (as decoded: /api/media/..%2F.. is /api/media/../..)."""
    return path == "/api" or path.startswith("/api/")


class _SinglePageApp(StaticFiles):
    """Static files; any other path outside /api/ gets index.html (client-side routes). A path
    under /api/ that reached this mount matched no route: the JSON 404, never a file."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_api_path(scope["path"]):
            raise HTTPException(404, "no such API route")
        await super().__call__(scope, receive, send)

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
