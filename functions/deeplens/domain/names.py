"""Whose name the archive shows for a person: WhatsApp's own order, in one place.

1. the name in your address book (`full_name`, from the app-state contact sync),
2. the name they gave themselves (`push_name`: the contact store's, else the one the message
   carried when it was sent),
3. their verified business name,
4. else their number (+49 151 …), which the web UI formats from the JID; a hidden identity (LID)
   has no number to show.

A direct chat's title is its person's name by the same rule, the chat's own name (the title the
phone gave it at the history sync) coming after the business name; a group's or channel's title
is its own name (subject).

The SQL of the adapters is built from NAME_ORDER (adapters/people.py); `display_name` and
`chat_title` are the same rules for rows already read.
"""

from __future__ import annotations

from deeplens.domain.ids import PHONE_SERVER, parse_jid

NAME_ORDER = ("full_name", "push_name", "business_name")  # columns of `contacts`, first wins


def display_name(
    *,
    full_name: str | None = None,
    push_name: str | None = None,
    business_name: str | None = None,
    message_push_name: str | None = None,
    jid: str | None = None,
) -> str | None:
    """The first name known in WhatsApp's order, else the phone number; None when neither."""
    for name in (full_name, push_name, business_name, message_push_name):
        if name and name.strip():
            return name.strip()
    return phone_number(jid) if jid else None


def chat_title(
    *,
    kind: str | None,
    chat_name: str | None = None,
    full_name: str | None = None,
    push_name: str | None = None,
    business_name: str | None = None,
    jid: str | None = None,
) -> str | None:
    """The title of a chat: for a direct chat its person's names first, then the chat's own name,
    then the number; for any other chat its own name."""
    if kind != "direct":
        return chat_name.strip() if chat_name and chat_name.strip() else None
    person = {"full_name": full_name, "push_name": push_name, "business_name": business_name}
    return display_name(**person, message_push_name=chat_name, jid=jid)


def phone_number(jid: str) -> str | None:
    """`+4915112345678` for a phone-number JID; None for groups, LIDs and the like."""
    parsed = parse_jid(jid)
    return f"+{parsed.user}" if parsed.server == PHONE_SERVER else None
