"""Accounts (issue #15): the WhatsApp accounts of this installation, each archived under its id
(= `session_id`), and deleting one with everything it left: archive rows, its whatsmeow device in
the session store, optionally its media objects and its event log prefixes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from deeplens.adapters import account_store as store
from deeplens.adapters.object_store import ObjectStore
from deeplens.adapters.postgres import Conn, pooled
from deeplens.domain.accounts import account_id, connector_lock_key, session_store_url
from deeplens.domain.batch import UNTRACKED_PREFIX
from deeplens.domain.connector_commands import commands_key
from deeplens.domain.errors import Conflict, Forbidden, InvalidRequest, NotFound
from deeplens.services.api import ApiDeps
from deeplens.services.held_history import state_key
from deeplens.services.status import connector_key, connector_state
from deeplens.services.tracking import tracking_key


@dataclass(frozen=True)
class DeleteOptions:
    confirm: str | None = None  # must equal the account id, unless dry_run
    dry_run: bool = True
    media: bool = False  # also the account's media objects (those no other account shares)
    event_log: bool = False  # also `events/{id}/` and `untracked/{id}/` of the events bucket


def known_ids(deps: ApiDeps) -> tuple[str, ...]:
    """The installation's account ids, oldest first (read again after AccountIds' few seconds); a
    fresh installation's first read makes SESSION_ID its first account."""
    cached = deps.accounts.get()
    if cached is not None:
        return cached
    with pooled(deps.pool) as conn:
        ids = tuple(store.account_ids(conn))
        if not ids:
            store.seed_account(conn, deps.settings.session_id)
            ids = tuple(store.account_ids(conn))
    deps.accounts.put(ids)
    return ids


def visible_ids(deps: ApiDeps, allowed: tuple[str, ...] | None) -> tuple[str, ...]:
    """The accounts a caller may use: all, or those its token is limited to."""
    ids = known_ids(deps)
    return ids if allowed is None else tuple(i for i in ids if i in allowed)


def resolve_account(deps: ApiDeps, allowed: tuple[str, ...] | None, requested: str | None) -> str:
    """The account a scoped request works on: the one asked for, else the only one there is."""
    if requested is not None:
        return _allowed_account(deps, allowed, requested)
    visible = visible_ids(deps, allowed)
    if len(visible) == 1:
        return visible[0]
    if not visible:
        raise Forbidden("this token may use no account that exists", "account")
    raise InvalidRequest(f"several accounts: give account= one of {', '.join(visible)}", "account")


def resolve_scope(deps: ApiDeps, allowed: tuple[str, ...] | None, requested: str | None) -> tuple[str, ...]:
    """The accounts a request spanning accounts covers (search): the one asked for, else all the
    caller may use."""
    if requested is not None:
        return (_allowed_account(deps, allowed, requested),)
    visible = visible_ids(deps, allowed)
    if not visible:
        raise Forbidden("this token may use no account that exists", "account")
    return visible


def require_every_account(allowed: tuple[str, ...] | None) -> None:
    """Managing accounts and tokens is for credentials not limited to some accounts."""
    if allowed is not None:
        raise Forbidden("a token limited to some accounts cannot manage accounts or tokens")


def check_accounts_exist(deps: ApiDeps, accounts: list[str], field: str) -> None:
    missing = sorted(set(accounts) - set(known_ids(deps)))
    if missing:
        raise InvalidRequest(f"no account {', '.join(missing)}", field)


def _allowed_account(deps: ApiDeps, allowed: tuple[str, ...] | None, requested: str) -> str:
    account = account_id(requested, "account")
    if account not in known_ids(deps):
        deps.accounts.forget()  # added a moment ago through another process?
        if account not in known_ids(deps):
            raise NotFound(f"no account {account!r}", "account")
    if allowed is not None and account not in allowed:
        raise Forbidden(f"this token may not use account {account!r}", "account")
    return account


def list_accounts(deps: ApiDeps, allowed: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Every account (the caller may use) with its connector's state (live in Redis, else the
    last one kept)."""
    visible = visible_ids(deps, allowed)
    with pooled(deps.pool) as conn:
        rows = store.list_accounts(conn)
    return [_with_connection(deps, row) for row in rows if row["id"] in visible]


def get_account(deps: ApiDeps, raw_id: str) -> dict[str, Any]:
    with pooled(deps.pool) as conn:
        row = store.get_account(conn, account_id(raw_id))
    if row is None:
        raise NotFound(f"no account {raw_id!r}", "id")
    return _with_connection(deps, row)


def create_account(
    deps: ApiDeps, raw_id: str, display_name: str | None, defaults: dict[str, Any]
) -> dict[str, Any]:
    account = account_id(raw_id)
    with pooled(deps.pool) as conn:
        store.seed_account(conn, deps.settings.session_id)
        row = store.add_account(conn, account, display_name or account, defaults)
    if row is None:
        raise Conflict(f"an account {account!r} exists already", "id")
    deps.accounts.forget()
    return _with_connection(deps, row)


# A null tracking default means "the installation's DEFAULT_TRACK_*"; these two have no such meaning.
REQUIRED_ON_UPDATE = ("display_name", "state")


def update_account(deps: ApiDeps, raw_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - set(store.EDITABLE)
    if unknown or not changes:
        raise InvalidRequest(
            f"give one or more of {', '.join(store.EDITABLE)}", sorted(unknown or ["body"])[0]
        )
    required = sorted(name for name in REQUIRED_ON_UPDATE if name in changes and changes[name] is None)
    if required:
        raise InvalidRequest(f"{required[0]} cannot be null (leave it out to keep it)", required[0])
    with pooled(deps.pool) as conn:
        row = store.update_account(conn, account_id(raw_id), changes)
    if row is None:
        raise NotFound(f"no account {raw_id!r}", "id")
    return _with_connection(deps, row)


def _with_connection(deps: ApiDeps, row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "connection": connector_state(replace(deps, account=str(row["id"])))}


# -- deleting an account ---------------------------------------------------------------------------


def delete_account(
    deps: ApiDeps, media: ObjectStore, events: ObjectStore, raw_id: str, options: DeleteOptions
) -> dict[str, Any]:
    """What deleting the account removes (dry run) or removed. A real delete needs `confirm` = the
    id, a paused account, another account left, and no connector holding the account's lock."""
    account = account_id(raw_id)
    with pooled(deps.pool) as conn:
        row = store.get_account(conn, account)
        others = [other for other in store.account_ids(conn) if other != account]
    if row is None:
        raise NotFound(f"no account {account!r}", "id")
    if not options.dry_run:
        _check_deletable(row, others, options)
    if deps.settings.session_store_url is None:
        report = {**_archive_part(deps, account, options, media), "session_store": None}
    else:
        with _session_store(deps, account, options.dry_run) as session_conn:
            devices = store.store_devices(session_conn, row["account_jid"]) if session_conn else []
            report = _archive_part(deps, account, options, media)
            report["session_store"] = _store_part(session_conn, devices, options.dry_run)
    report["event_log_objects"] = _event_log_part(events, account, options) if options.event_log else None
    if not options.dry_run:
        _forget_live_state(deps, account)
    deps.accounts.forget()
    return {"account": account, "dry_run": options.dry_run, **report}


def _forget_live_state(deps: ApiDeps, account: str) -> None:
    """The account's Redis keys (tracking flags, live connector state, queued commands, held
    replays): an account added later under the same id must not inherit them."""
    for key in (connector_key(account), commands_key(account), state_key(account)):
        deps.cache.delete(key)
    deps.cache.delete_matching(tracking_key(account, "*"))  # an id holds no glob character


def _check_deletable(row: dict[str, Any], others: list[str], options: DeleteOptions) -> None:
    if options.confirm != row["id"]:
        raise InvalidRequest("confirm the deletion: give confirm=<the account id>", "confirm")
    if row["state"] != "paused":
        raise Conflict("pause the account first (PATCH state=paused): its connector stops, then delete", "id")
    if not others:
        raise Conflict(
            "the installation keeps at least one account: add another before deleting this one", "id"
        )


@contextmanager
def _session_store(deps: ApiDeps, account: str, dry_run: bool) -> Iterator[Conn | None]:
    """A connection to the account's session store (domain.accounts.session_store_url) holding its
    connector's lock (a connector cannot start while its device is deleted); None when its database
    was never created. Only called when SESSION_STORE_URL is set."""
    base = deps.settings.session_store_url
    assert base is not None
    url = session_store_url(base.get_secret_value(), account, deps.settings.session_id)
    with store.session_store_locked(url, connector_lock_key(account)) as (conn, locked):
        if not locked and not dry_run:
            raise Conflict(
                f"the connector of {account!r} still runs; it stops within seconds once paused", "id"
            )
        yield conn


def _archive_part(deps: ApiDeps, account: str, options: DeleteOptions, media: ObjectStore) -> dict[str, Any]:
    with pooled(deps.pool) as conn:
        tables = store.session_tables(conn)
        keys = store.media_keys(conn, account) if options.media else []
        if options.dry_run:
            archive = store.count_rows(conn, tables, account)
        else:
            archive = store.delete_rows(conn, tables, account)
            store.delete_account_row(conn, account)
    if options.media and not options.dry_run:
        for key in keys:  # after the commit: an object is gone only once nothing points to it
            media.delete(key)
    return {"archive": archive, "media_objects": len(keys) if options.media else None}


def _store_part(conn: Conn | None, devices: list[str], dry_run: bool) -> dict[str, int]:
    if conn is None:  # the account's store database was never created
        return {}
    counts = store.store_counts(conn, devices)
    if not dry_run:
        with conn.transaction():
            store.delete_devices(conn, devices)
    return counts


def _event_log_part(events: ObjectStore, account: str, options: DeleteOptions) -> int:
    keys = [
        key
        for prefix in (f"events/{account}/", f"{UNTRACKED_PREFIX}{account}/")
        for key in events.keys(prefix)
    ]
    if not options.dry_run:
        for key in keys:
            events.delete(key)
    return len(keys)
