"""Dependency aliases for the routes: the process's ApiDeps and the authenticated caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from deeplens.domain.errors import InvalidRequest
from deeplens.services import auth
from deeplens.services.api import ApiDeps

SESSION_COOKIE = "dl_session"

_bearer = HTTPBearer(auto_error=False, description="a token from POST /api/auth/tokens")
_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="set by POST /api/auth/login")


# The dependencies that do no I/O are `async def`: FastAPI runs a plain `def` dependency in its thread
# pool, a hop that cost ~0.2 ms per dependency per request (bench/api_bench.py, redirect hit).


async def refuse_nul(request: Request) -> None:
    """PostgreSQL text cannot hold NUL: refuse it in any path or query parameter, naming it."""
    for name, value in (*request.path_params.items(), *request.query_params.multi_items()):
        if "\x00" in str(value):
            raise InvalidRequest("NUL characters are not allowed", name)


async def _deps(request: Request) -> ApiDeps:
    deps: ApiDeps = request.app.state.deps
    return deps


Deps = Annotated[ApiDeps, Depends(_deps)]


async def _principal(
    deps: Deps,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> auth.Principal:
    """A credential verified a moment ago answers without I/O; otherwise PostgreSQL is asked in
    the thread pool (see services.api.RecentCredentials for what that means for revocation)."""
    secret = bearer.credentials if bearer else cookie
    known = auth.recently_verified(deps, secret)
    if known is not None:
        return known
    return await run_in_threadpool(auth.authenticate, deps, secret)


CurrentPrincipal = Annotated[auth.Principal, Depends(_principal)]


Authenticated = [Depends(_principal)]  # router-level: every route of the router needs credentials
