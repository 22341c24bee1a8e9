"""Lambda handler of the job function (AWS): import and export jobs of the web UI, one per message
of the jobs queue (batch size 1), which the API fills when TRANSFER_QUEUE_URL is set (an API
Lambda's threads stop with its response). Locally the API's worker threads run the same code.

The clients are built on the first invocation and reused (the API's: ApiSettings, one small pool)."""

from __future__ import annotations

from functools import cache
from typing import Any

from deeplens.bootstrap import api_deps, preload
from deeplens.services.transfer_jobs import TransferDeps, transfer_deps_from
from deeplens.services.transfer_work import run_job_message

preload()


@cache
def _deps() -> TransferDeps:
    return transfer_deps_from(api_deps())


def handle(deps: TransferDeps, event: dict[str, Any]) -> dict[str, int]:
    """Every record's job, in order; what ran and what was dropped."""
    ran = dropped = 0
    for record in event.get("Records", []):
        if run_job_message(deps, str(record.get("body", ""))):
            ran += 1
        else:
            dropped += 1
    return {"ran": ran, "dropped": dropped}


def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    return handle(_deps(), event)
