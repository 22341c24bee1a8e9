"""The import and export jobs' deps, built once per app on first use (not every API process
serves them: a Lambda instance that never sees an import builds no SQS client)."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Request

from deeplens.entrypoints.http.deps import Deps
from deeplens.services.api import ApiDeps
from deeplens.services.transfer_jobs import TransferDeps, transfer_deps_from

_lock = threading.Lock()


def _built(request: Request) -> TransferDeps:
    state = request.app.state
    with _lock:
        built: TransferDeps | None = getattr(state, "transfers", None)
        if built is None:
            deps: ApiDeps = state.deps
            built = transfer_deps_from(deps)
            state.transfers = built
    return built


def _transfers(request: Request, scoped: Deps) -> TransferDeps:
    """Built once per app; each request's copy works on the request's account."""
    return replace(_built(request), api=scoped)


Transfers = Annotated[TransferDeps, Depends(_transfers)]
InstallationTransfers = Annotated[TransferDeps, Depends(_built)]  # the stores, for no one account
