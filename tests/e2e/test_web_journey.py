"""The web UI in Chromium against the real local stack filled by the connector's replay sample.

The journey itself (frontend/e2e/journey.mjs) checks the DOM at each step and writes screenshots;
this test starts everything, plays the connector's part for the QR step and checks the archive."""

from __future__ import annotations

import json
import os
from pathlib import Path

import psycopg
import redis
from deeplens_connector import archive_db
from deeplens_connector.sample.build_sample import (
    CARLA_JID,
    FORWARDED_MANY_TEXT,
    FORWARDED_TEXT,
    GROUP_HISTORY,
    GROUP_JID,
    SEALED_EDITED_TEXT,
    SEALED_ORIGINAL_TEXT,
    SEARCH_WORD,
)
from deeplens_connector.session.state import Transition
from deeplens_connector.session.status_store import StatusStore

from tests.e2e.stack import Archive, RunningApi, run_journey

SCREENS = (
    "01-login",
    "02-chats",
    "03-group",
    "04-scrolled-back",
    "05-photo",
    "06-search",
    "07-jump",
    "08-admin-untrack",
    "09-chat-untracked",
    "10-banner",
    "11-pairing-dialog",
    "12-forwarded-pinned",
    "13-call",
    "14-sealed-edit",
)
QR_CODE = "2@e2eJourneyQrCode,AbCdEfGhIjKlMnOpQrStUvWxYz0123456789=,e2eKey=,e2eAdv="


def _scalar(url: str, sql: str, *params: object) -> object:
    with psycopg.connect(url) as conn:
        row = conn.execute(sql, params).fetchone()
    return row[0] if row else None


def _show_qr(archive: Archive) -> None:
    """What the connector does when WhatsApp hands it a code: state + QR through the status store."""
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
        status.state_changed(Transition("connected", "waiting_for_qr", "logged out on the phone"))
        status.account(None)
        status.qr(QR_CODE)
    finally:
        pool.close()
        cache.close()


def _play(api: RunningApi, screenshots: Path) -> tuple[int, str]:
    env = {
        **os.environ,
        "E2E_BASE_URL": api.base_url,
        "E2E_PASSWORD": api.password,
        "E2E_SCREENSHOTS": str(screenshots),
        "E2E_WORD": SEARCH_WORD,
        "E2E_ANNA": json.dumps(
            {
                "forwarded": FORWARDED_TEXT,
                "forwardedMany": FORWARDED_MANY_TEXT,
                "original": SEALED_ORIGINAL_TEXT,
                "edited": SEALED_EDITED_TEXT,
            }
        ),
    }

    def answer(what: str) -> None:
        assert what == "unpaired", what
        _show_qr(api.archive)

    return run_journey("journey.mjs", env, answer)


def test_journey_passes_when_ui_runs_on_the_replayed_sample(
    running_api: RunningApi, screenshot_dir: Path
) -> None:
    url = running_api.archive.env["DATABASE_URL"]
    family = _scalar(url, "SELECT count(*) FROM messages WHERE chat_jid = %s", GROUP_JID)
    assert family == GROUP_HISTORY + 2  # the history pages + Bob's two live messages (one revoked)

    code, output = _play(running_api, screenshot_dir)

    assert code == 0, output
    assert all(f"ok {screen} " in output for screen in SCREENS), output
    assert _scalar(url, "SELECT is_tracked FROM tracking_config WHERE jid = %s", CARLA_JID) is False
    assert {path.stem for path in screenshot_dir.glob("*.png")} >= set(SCREENS)
