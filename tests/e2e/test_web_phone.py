"""The web UI at a phone's size (390 x 844, touch) in Chromium against the real local stack filled by
the connector's replay sample: no sideways scroll on the chat list, a chat, search and the admin
panel; touch targets; back navigation; a connector going offline is a banner over the open chat;
linking by phone number through the real API.

frontend/e2e/phone.mjs checks the DOM at each step; this test plays the connector's part."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import redis
from deeplens.domain import connector_commands
from deeplens_connector import archive_db
from deeplens_connector.sample.build_sample import SEARCH_WORD
from deeplens_connector.session.state import Transition
from deeplens_connector.session.status_store import StatusStore

from tests.e2e.stack import Archive, RunningApi, run_journey

SCREENS = (
    "phone-01-login",
    "phone-02-chats",
    "phone-03-chat",
    "phone-04-back",
    "phone-05-search",
    "phone-06-jump",
    "phone-07-admin",
    "phone-08-offline-banner",
    "phone-09-menu",
    "phone-10-pairing",
    "phone-11-phone-number",
    "phone-12-link-code",
    "phone-13-narrow",
)
LINK_CODE = "E2EC-0DE7"


def _cache(archive: Archive) -> redis.Redis[str]:
    env = archive.env
    return redis.Redis(host=env["REDIS_HOST"], port=int(env["REDIS_PORT"]), decode_responses=True)


def _as_connector(archive: Archive, change: Callable[[StatusStore], None]) -> None:
    """What the connector does when its state changes: through its status store."""
    cache = _cache(archive)
    pool = archive_db.make_pool(archive.env["DATABASE_URL"])
    try:
        session = archive.session_id
        status = StatusStore(
            session,
            cache,
            save_row=lambda row: archive_db.upsert_status(pool, session, row),
            publish=lambda event: None,
        )
        change(status)
    finally:
        pool.close()
        cache.close()


def _queued(archive: Archive) -> list[connector_commands.ConnectorCommand]:
    cache = _cache(archive)
    try:
        key = connector_commands.commands_key(archive.session_id)
        return [connector_commands.parse(raw) for raw in cache.lrange(key, 0, -1)]
    finally:
        cache.close()


def test_phone_layout_fits_and_keeps_the_chat_when_connector_goes_offline(
    running_api: RunningApi, screenshot_dir: Path
) -> None:
    archive = running_api.archive
    env = {
        **os.environ,
        "E2E_BASE_URL": running_api.base_url,
        "E2E_PASSWORD": running_api.password,
        "E2E_SCREENSHOTS": str(screenshot_dir),
        "E2E_WORD": SEARCH_WORD,
        "E2E_LINK_CODE": LINK_CODE,
    }

    def answer(what: str) -> None:
        if what == "offline":
            _as_connector(
                archive, lambda status: status.state_changed(Transition("connected", "offline", "no network"))
            )
        else:
            assert what == "link-code", what
            asked = [command for command in _queued(archive) if command.command == "pair_phone"]
            assert [command.phone for command in asked] == ["4915112345678"]
            _as_connector(archive, lambda status: status.pair_code(LINK_CODE, 160))

    code, output = run_journey("phone.mjs", env, answer)

    assert code == 0, output
    assert all(f"ok {screen} " in output for screen in SCREENS), output
    assert [command.command for command in _queued(archive)] == ["restart", "pair_phone"]
    assert {path.stem for path in screenshot_dir.glob("phone-*.png")} >= set(SCREENS)
