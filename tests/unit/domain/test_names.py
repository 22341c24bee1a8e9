"""Whose name is shown: address book, push name, business name, the sender's own, then the number."""

from __future__ import annotations

import pytest
from deeplens.adapters.people import chat_title as chat_title_sql
from deeplens.adapters.people import contact_name
from deeplens.domain.names import NAME_ORDER, chat_title, display_name, phone_number

ANNA = "4915112345678@s.whatsapp.net"


@pytest.mark.parametrize(
    ("names", "shown"),
    [
        ({"full_name": "Anna Schmidt", "push_name": "Anna", "business_name": "Anna's"}, "Anna Schmidt"),
        ({"full_name": "  ", "push_name": "Anna", "business_name": "Anna's"}, "Anna"),
        ({"business_name": "Anna's", "message_push_name": "Anni"}, "Anna's"),
        ({"message_push_name": "Anni"}, "Anni"),
        ({}, "+4915112345678"),
    ],
)
def test_first_known_name_is_shown_in_whatsapps_order_when_several_are_known(
    names: dict[str, str], shown: str
) -> None:
    assert display_name(**names, jid=ANNA) == shown


def test_no_number_is_shown_when_the_person_is_a_hidden_identity_or_a_group() -> None:
    assert display_name(jid="123456789012345@lid") is None
    assert phone_number("120363012345678901@g.us") is None


def test_sql_names_people_in_the_same_order_when_built_for_a_query() -> None:
    assert NAME_ORDER == ("full_name", "push_name", "business_name")
    assert contact_name("ct", "m.push_name") == (
        "coalesce(ct.full_name, ct.push_name, ct.business_name, m.push_name)"
    )


@pytest.mark.parametrize(
    ("names", "shown"),
    [
        ({"full_name": "Anna Schmidt", "push_name": "Anna", "chat_name": "Anni"}, "Anna Schmidt"),
        ({"push_name": "Anna", "business_name": "Anna's", "chat_name": "Anni"}, "Anna"),
        ({"business_name": "Anna's", "chat_name": "Anni"}, "Anna's"),
        ({"chat_name": "Anni"}, "Anni"),
        ({}, "+4915112345678"),
    ],
)
def test_direct_chat_is_titled_by_its_persons_name_first_when_its_own_name_differs(
    names: dict[str, str], shown: str
) -> None:
    assert chat_title(kind="direct", **names, jid=ANNA) == shown


def test_group_keeps_its_own_name_when_a_contact_row_names_its_jid() -> None:
    group = "120363012345678901@g.us"
    assert chat_title(kind="group", chat_name="Family", full_name="Someone", jid=group) == "Family"
    assert chat_title(kind="group", chat_name=None, jid=group) is None


def test_sql_titles_a_direct_chat_in_the_same_order_when_built_for_a_query() -> None:
    assert chat_title_sql("c", "ct", "t.name") == (
        "CASE WHEN c.kind = 'direct'"
        " THEN coalesce(ct.full_name, ct.push_name, ct.business_name, c.name, t.name)"
        " ELSE coalesce(c.name, t.name, ct.full_name, ct.push_name, ct.business_name) END"
    )
