"""The API deletes an account's session store rows holding the connector's own advisory lock (#15):
both sides must compute the same key, or a delete could run beside a live connector."""

from __future__ import annotations

import pytest
from deeplens.domain.accounts import connector_lock_key
from deeplens_connector.archive_db import lock_id


@pytest.mark.parametrize("account", ["primary_agent", "sales", "a.b-c_9", "x" * 128])
def test_the_api_and_the_connector_lock_the_same_key_for_an_account(account: str) -> None:
    assert connector_lock_key(account) == lock_id(account)


def test_two_accounts_lock_different_keys() -> None:
    assert connector_lock_key("sales") != connector_lock_key("support")
