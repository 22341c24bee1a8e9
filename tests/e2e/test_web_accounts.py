"""Several accounts in the web UI against the real local stack (frontend/e2e/accounts.mjs): the
replay sample archived under one account, a second one added, shown, kept over a reload, left,
searched across and deleted in the browser (#15 item 4)."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
from deeplens_connector.sample.build_sample import SEARCH_WORD

from tests.e2e.stack import RunningApi, run_journey

SCREENS = (
    "a01-sample-account",
    "a02-add-account",
    "a03-new-account-empty",
    "a04-reload-keeps-account",
    "a05-phone-top-bar",
    "a05-switch-back",
    "a06-search-all-accounts",
    "a07-delete-account",
)


def _account_ids(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM accounts ORDER BY id")]


def _no_await(what: str) -> None:
    raise AssertionError(f"accounts.mjs awaits nothing, asked for {what}")


def test_accounts_journey_passes_when_a_second_account_is_added_switched_and_deleted(
    running_api: RunningApi, screenshot_dir: Path
) -> None:
    url = running_api.archive.env["DATABASE_URL"]
    env = {
        **os.environ,
        "E2E_BASE_URL": running_api.base_url,
        "E2E_PASSWORD": running_api.password,
        "E2E_SCREENSHOTS": str(screenshot_dir),
        "E2E_WORD": SEARCH_WORD,
    }

    code, output = run_journey("accounts.mjs", env, _no_await)

    assert code == 0, output
    assert all(f"ok {screen} " in output for screen in SCREENS), output
    assert _account_ids(url) == [running_api.archive.session_id]  # added, then deleted in the UI
