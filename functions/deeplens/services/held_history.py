"""Retro-tracking: the history of untracked chats, held in the log's `untracked/` prefix for
UNTRACKED_RETENTION_DAYS (the connector writes it, the bucket's lifecycle rule expires it).

Tracking a chat replays its part of the prefix: a job in the API process (JobRunner, as imports and
exports) enqueues a pointer to each held batch; ingest applies a held batch only once the chat's
tracking row says tracked (services/ingest.py), so the PATCH commits first and the job runs after.
The connector may still hold a few of the chat's events for a moment after the PATCH (its policy
is cached `ttl_s`, its batches wait `max_wait_s`): the job lists the prefix again after SETTLE_S and
enqueues what appeared. Replaying twice is harmless (ingest skips an applied batch).

'Forget now' deletes the held batches of one chat, or all of them. A replay's state is kept in
Redis (`held:{session}`, one JSON object per chat) for the tracking panel."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

from aws_lambda_powertools import Logger

from deeplens.domain.batch import pointer_for_key, untracked_prefix
from deeplens.domain.errors import DeepLensError
from deeplens.services.api import jid_param
from deeplens.services.transfer_jobs import TransferDeps

logger = Logger(service="deeplens-api")

SETTLE_S = 15.0  # the connector's policy cache (2 s) + batch wait + an upload, with margin
STATE_TTL_S = 7 * 24 * 3600
_lock = threading.Lock()  # one replay per chat at a time
_state_lock = threading.RLock()  # the read-modify-write of the states in Redis


def state_key(session: str) -> str:
    return f"held:{session}"


def retention_days(deps: TransferDeps) -> int:
    return deps.api.settings.untracked_retention_days


def held_status(deps: TransferDeps) -> dict[str, Any]:
    """What the tracking panel shows: how long untracked chats are held, and each replay's state."""
    return {"retention_days": retention_days(deps), "replays": _states(deps)}


def replay_on_track(deps: TransferDeps, jid: str, settle_s: float | None = None) -> bool:
    """Start replaying a chat that was just tracked; False when nothing is held (retention 0, no
    queue) or a replay of that chat is already running."""
    if retention_days(deps) == 0 or deps.queue is None:
        return False
    with _lock:
        if _states(deps).get(jid, {}).get("state") == "running":
            return False
        _set_state(deps, jid, {"state": "running", "batches": 0, "at": _now_ms()})
    wait_s = SETTLE_S if settle_s is None else settle_s
    deps.runner.submit(uuid.uuid4(), lambda: _replay_job(deps, jid, wait_s))
    return True


def forget_held(deps: TransferDeps, raw_jid: str | None) -> int:
    """Delete the held batches of one chat (or of every chat); returns how many were deleted."""
    jid = jid_param(raw_jid, "jid") if raw_jid is not None else None
    prefix = untracked_prefix(deps.session, jid)
    deleted = 0
    for key in list(deps.events.keys(prefix)):
        deps.events.delete(key)
        deleted += 1
    logger.info("held history forgotten", extra={"chat": jid or "*", "batches": deleted})
    return deleted


def enqueue_held(deps: TransferDeps, jid: str, sent: set[str]) -> int:
    """A pointer for every held batch of `jid` not in `sent` (which is updated); how many."""
    assert deps.queue is not None
    count = 0
    for key in deps.events.keys(untracked_prefix(deps.session, jid)):
        if key in sent:
            continue
        deps.queue.send(pointer_for_key(deps.events.bucket, key, deps.session), group=deps.session)
        sent.add(key)
        count += 1
    return count


def _replay_job(deps: TransferDeps, jid: str, settle_s: float) -> None:
    sent: set[str] = set()
    try:
        enqueue_held(deps, jid, sent)
        _set_state(deps, jid, {"state": "running", "batches": len(sent), "at": _now_ms()})
        time.sleep(settle_s)
        enqueue_held(deps, jid, sent)
    except DeepLensError as error:
        logger.warning("held history replay failed", extra={"chat": jid, "error": str(error)})
        _set_state(deps, jid, {"state": "failed", "batches": len(sent), "error": str(error)[:500]})
        return
    _set_state(deps, jid, {"state": "done", "batches": len(sent), "at": _now_ms()})


def _states(deps: TransferDeps) -> dict[str, dict[str, Any]]:
    raw = deps.api.cache.get(state_key(deps.session))
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _set_state(deps: TransferDeps, jid: str, state: dict[str, Any]) -> None:
    with _state_lock:
        states = _states(deps)
        states[jid] = state
        deps.api.cache.set(state_key(deps.session), json.dumps(states), ttl_s=STATE_TTL_S)


def _now_ms() -> int:
    return int(time.time() * 1000)
