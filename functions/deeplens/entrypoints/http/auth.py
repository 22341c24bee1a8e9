from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from deeplens.entrypoints.http.account_schemas import TokenCreated, TokenRequest
from deeplens.entrypoints.http.client_address import rate_limit_key
from deeplens.entrypoints.http.deps import SESSION_COOKIE, CurrentPrincipal
from deeplens.entrypoints.http.deps import InstallationDeps as Deps
from deeplens.entrypoints.http.responses import errors
from deeplens.entrypoints.http.schemas import LoginRequest, LoginResult
from deeplens.services import accounts, auth

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post("/login", operation_id="login", response_model=LoginResult, responses=errors(429))
def login(body: LoginRequest, request: Request, response: Response, deps: Deps) -> LoginResult:
    """Check the admin password; sets the HttpOnly, SameSite=Strict session cookie (Secure when
    COOKIE_SECURE is set or the request came over https, as a trusted proxy reports it)."""
    client = rate_limit_key(request.client.host if request.client else None)
    issued = auth.login(deps, body.password, client)
    response.set_cookie(
        SESSION_COOKIE,
        issued.secret,
        max_age=deps.settings.session_ttl_seconds,
        httponly=True,
        samesite="strict",
        secure=_secure_cookie(request, deps),
        path="/",
    )
    response.headers["Cache-Control"] = "no-store"
    return LoginResult(expires_at=issued.credential["expires_at"])


@router.post("/logout", operation_id="logout", status_code=status.HTTP_204_NO_CONTENT, responses=errors())
def logout(principal: CurrentPrincipal, deps: Deps, request: Request) -> Response:
    """Ends the session (or revokes the bearer token) the request came with."""
    auth.logout(deps, principal)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    secure = _secure_cookie(request, deps)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=secure)
    return response


def _secure_cookie(request: Request, deps: Deps) -> bool:
    """request.url.scheme is the proxy's X-Forwarded-Proto only when the proxy is trusted."""
    return deps.settings.cookie_secure or request.url.scheme == "https"


@router.post(
    "/tokens",
    operation_id="create_token",
    status_code=status.HTTP_201_CREATED,
    response_model=TokenCreated,
    responses=errors(400, 403),
)
def create_token(
    body: TokenRequest, principal: CurrentPrincipal, deps: Deps, response: Response
) -> TokenCreated:
    """A bearer token for scripts; the token is shown only in this response. `accounts` limits it
    to those accounts (a limited token cannot create tokens or manage accounts)."""
    accounts.require_every_account(principal.accounts)
    if body.accounts is not None:
        accounts.check_accounts_exist(deps, body.accounts, "accounts")
    issued = auth.create_token(deps, body.name, body.expires_in_days, body.accounts)
    response.headers["Cache-Control"] = "no-store"
    return TokenCreated(token=issued.secret, **issued.credential)


@router.delete(
    "/tokens/{token_id}",
    operation_id="revoke_token",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(404),
)
def revoke_token(token_id: uuid.UUID, _: CurrentPrincipal, deps: Deps) -> Response:
    auth.revoke_token(deps, token_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
