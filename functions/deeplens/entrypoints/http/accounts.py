"""/api/accounts: the WhatsApp accounts of this installation (issue #15)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from deeplens.entrypoints.http.account_schemas import Account, AccountCreate, AccountDeletion, AccountUpdate
from deeplens.entrypoints.http.deps import Authenticated, CurrentPrincipal
from deeplens.entrypoints.http.deps import InstallationDeps as Deps
from deeplens.entrypoints.http.responses import errors
from deeplens.entrypoints.http.transfers import InstallationTransfers
from deeplens.services import accounts as accounts_service

router = APIRouter(prefix="/api/accounts", tags=["accounts"], dependencies=Authenticated)
AccountId = Annotated[str, Path(max_length=128, description="the account's id")]


@router.get("", operation_id="list_accounts", response_model=list[Account], responses=errors())
def list_accounts(deps: Deps, principal: CurrentPrincipal) -> list[Account]:
    """Every account (a limited token: those it may use), oldest first, with its connector's state."""
    return [Account(**row) for row in accounts_service.list_accounts(deps, principal.accounts)]


@router.post(
    "",
    operation_id="create_account",
    status_code=201,
    response_model=Account,
    responses=errors(400, 403, 409),
)
def create_account(body: AccountCreate, deps: Deps, principal: CurrentPrincipal) -> Account:
    """Add an account; `make run` starts its connector, which then waits to be paired
    (GET /api/session?account={id}, POST /api/connector/pair-phone?account={id})."""
    accounts_service.require_every_account(principal.accounts)
    defaults = {"track_groups": body.track_groups, "track_private": body.track_private}
    return Account(**accounts_service.create_account(deps, body.id, body.display_name, defaults))


@router.patch("/{id}", operation_id="update_account", response_model=Account, responses=errors(400, 403, 404))
def update_account(id: AccountId, body: AccountUpdate, deps: Deps, principal: CurrentPrincipal) -> Account:
    """Rename, pause (its connector stops) or resume an account, or change its tracking defaults
    (a null default is the installation's DEFAULT_TRACK_*)."""
    accounts_service.require_every_account(principal.accounts)
    changes = body.model_dump(exclude_unset=True)
    return Account(**accounts_service.update_account(deps, id, changes))


@router.delete(
    "/{id}",
    operation_id="delete_account",
    response_model=AccountDeletion,
    responses=errors(400, 403, 404, 409),
)
def delete_account(
    id: AccountId,
    deps: Deps,
    transfers: InstallationTransfers,
    principal: CurrentPrincipal,
    *,
    dry_run: Annotated[bool, Query(description="count only (the default); false deletes")] = True,
    confirm: Annotated[str | None, Query(max_length=128, description="the account id again")] = None,
    media: Annotated[bool, Query(description="also delete its media objects")] = False,
    event_log: Annotated[bool, Query(description="also delete its event log prefixes")] = False,
) -> AccountDeletion:
    """Delete an account and everything archived under it: its rows in every archive table, its
    whatsmeow device in the session store, optionally its media and event log. The default is a
    dry run that only counts; a delete needs `dry_run=false`, `confirm={id}` and a paused account."""
    accounts_service.require_every_account(principal.accounts)
    options = accounts_service.DeleteOptions(confirm, dry_run, media, event_log)
    report = accounts_service.delete_account(deps, transfers.media, transfers.events, id, options)
    return AccountDeletion(**report)
