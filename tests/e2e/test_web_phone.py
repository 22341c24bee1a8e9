"""The web UI at a phone's size (390 x 844, touch) in Chromium against the real local stack filled by
the connector's replay sample: no sideways scroll on the chat list, a chat, search and the admin
panel; touch targets; back navigation; a connector going offline is a banner over the open chat.

frontend/e2e/phone.mjs checks the DOM at each step; this test plays the connector's part."""

from __future__ import annotations

import os
from pathlib import Path

import redis
from deeplens_connector import archive_db
from deeplens_connector.sample.build_sample import SEARCH_WORD
from deeplens_connector.state import Transition
from deeplens_connector.status_store import StatusStore

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
)


def _go_offline(archive: Archive) -> None:
    """What the connector does when it loses WhatsApp: the state through its status store."""
    env = archive.env
    cache = redis.Redis(host=env["REDIS_HOST"], port=int(env["REDIS_PORT"]), decode_responses=True)
    pool = archive_db.make_pool(env["DATABASE_URL"])
    try:
        session = archive.session_id
        status = StatusStore(
            session,
            cache,
            save_row=lambda row: archive_db.upsert_status(pool, session, row),
            publish=lambda event: None,
        )
        status.state_changed(Transition("connected", "offline", "no network"))
    finally:
        pool.close()
        cache.close()


def test_phone_layout_fits_and_keeps_the_chat_when_connector_goes_offline(
    running_api: RunningApi, screenshot_dir: Path
) -> None:
    env = {
        **os.environ,
        "E2E_BASE_URL": running_api.base_url,
        "E2E_PASSWORD": running_api.password,
        "E2E_SCREENSHOTS": str(screenshot_dir),
        "E2E_WORD": SEARCH_WORD,
    }

    def answer(what: str) -> None:
        assert what == "offline", what
        _go_offline(running_api.archive)

    code, output = run_journey("phone.mjs", env, answer)

    assert code == 0, output
    assert all(f"ok {screen} " in output for screen in SCREENS), output
    assert {path.stem for path in screenshot_dir.glob("phone-*.png")} >= set(SCREENS)
