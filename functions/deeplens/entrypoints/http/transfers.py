"""The import and export jobs' deps, built once per app on first use (not every API process
serves them: a Lambda instance that never sees an import builds no SQS client)."""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import Depends, Request

from deeplens.services.api import ApiDeps
from deeplens.services.transfer_jobs import TransferDeps, transfer_deps_from

_lock = threading.Lock()


def _transfers(request: Request) -> TransferDeps:
    state = request.app.state
    with _lock:
        built: TransferDeps | None = getattr(state, "transfers", None)
        if built is None:
            deps: ApiDeps = state.deps
            built = transfer_deps_from(deps)
            state.transfers = built
    return built


Transfers = Annotated[TransferDeps, Depends(_transfers)]
