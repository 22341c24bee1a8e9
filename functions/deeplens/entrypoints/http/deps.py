"""Dependency aliases for the routes: the process's ApiDeps (InstallationDeps), the same scoped to
the request's account (Deps: the `account` query parameter, docs/decisions.md "every route
scoped"), and the authenticated caller."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from deeplens.domain.errors import InvalidRequest
from deeplens.services import accounts, auth
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


InstallationDeps = Annotated[ApiDeps, Depends(_deps)]  # not scoped: health, auth, accounts


async def _principal(
    deps: InstallationDeps,
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

AccountParam = Annotated[
    str | None,
    Query(
        max_length=128,
        description="the account (an id of GET /api/accounts); may be left out while there is one",
    ),
]


async def _scoped(
    deps: InstallationDeps, principal: CurrentPrincipal, account: AccountParam = None
) -> ApiDeps:
    """The deps of the request's account (ApiDeps.session): the `account` asked for, else the only
    one; checked against the accounts (a few seconds' cache, so mostly without I/O) and the token's
    limits. 400 `account` when there are several and none is given, 404 unknown, 403 not allowed."""
    if deps.accounts.get() is None:
        resolved = await run_in_threadpool(accounts.resolve_account, deps, principal.accounts, account)
    else:
        resolved = accounts.resolve_account(deps, principal.accounts, account)
    return replace(deps, account=resolved)


Deps = Annotated[ApiDeps, Depends(_scoped)]


async def _scope(
    deps: InstallationDeps, principal: CurrentPrincipal, account: AccountParam = None
) -> tuple[ApiDeps, tuple[str, ...]]:
    """For routes spanning accounts (search): the `account` asked for, else every account the
    caller may use."""
    ids = await run_in_threadpool(accounts.resolve_scope, deps, principal.accounts, account)
    return deps, ids


AccountScope = Annotated[tuple[ApiDeps, tuple[str, ...]], Depends(_scope)]


Authenticated = [Depends(_principal)]  # router-level: every route of the router needs credentials
