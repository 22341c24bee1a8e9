"""Account ids and each account's session store database (#15)."""

from __future__ import annotations

import pytest
from deeplens.domain.accounts import account_id, session_store_url, store_database
from deeplens.domain.errors import InvalidRequest

BASE = "postgres://wa:secret@db:5432/deeplens_wa?sslmode=disable"


def test_the_primary_account_keeps_the_session_store_an_installation_always_had() -> None:
    assert session_store_url(BASE, "primary_agent", "primary_agent") == BASE


def test_another_account_gets_a_database_of_its_own_beside_it() -> None:
    url = session_store_url(BASE, "Sales.Team-2", "primary_agent")
    assert url.startswith("postgres://wa:secret@db:5432/deeplens_wa_sales_team_2_") and url.endswith(
        "?sslmode=disable"
    )
    assert url == session_store_url(BASE, "Sales.Team-2", "primary_agent")  # the same every time


def test_store_databases_are_valid_names_and_differ_where_ids_only_differ_in_case_or_length() -> None:
    names = {store_database("deeplens_wa", account) for account in ("sales", "Sales", "x" * 128, "x" * 127)}
    assert len(names) == 4
    assert all(len(name) <= 63 and name == name.lower() for name in names)


@pytest.mark.parametrize("raw", ["", "has space", "slash/no", "x" * 129, "semi;colon"])
def test_a_bad_account_id_is_refused_naming_the_field(raw: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        account_id(raw, "account")
    assert refused.value.field == "account"
