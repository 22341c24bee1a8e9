"""The whatsmeow contact store (`client.contact.get_all_contacts()`) as `contact` events.

neonize forwards no PushName/Contact events (docs/neonize.md §7): whatsmeow keeps address-book names
(app-state sync), push names and business names in its store, and the connector reads it after
OfflineSyncCompletedEv. `ContactDiff` keeps what was already published by this process, so a
re-read only publishes what changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

from deeplens.domain.envelope import ContactUpdated
from deeplens.domain.ids import Jid, is_lid, is_phone_jid

from deeplens_connector.translate.common import TranslationError, event_id, translating
from deeplens_connector.translate.jids import jid_of

Names = tuple[str | None, str | None, str | None]  # push name, full name, business name


def translate_store_contacts(
    contacts: Iterable[Any], *, session: str, now_ms: int
) -> Iterator[ContactUpdated | TranslationError]:
    """One `contact` per stored `neonize.Contact` that carries a name; a bad one is yielded as a
    TranslationError in its place."""
    for contact in contacts:
        try:
            with translating(f"stored contact {contact.JID.User}@{contact.JID.Server}"):
                event = store_contact(contact, session=session, now_ms=now_ms)
        except TranslationError as error:
            yield error
            continue
        if event is not None:
            yield event


def store_contact(contact: Any, *, session: str, now_ms: int) -> ContactUpdated | None:
    """None when the store knows no name for this JID (nothing to say)."""
    jid = jid_of(contact.JID)
    info = contact.Info
    push_name, full_name = info.PushName or None, info.FullName or info.FirstName or None
    business_name = info.BusinessName or None
    if jid is None or not (push_name or full_name or business_name):
        return None
    names = "\x00".join(name or "" for name in (push_name, full_name, business_name))
    digest = hashlib.sha256(names.encode()).hexdigest()[:12]  # two reads in one ms: still two ids
    return ContactUpdated(
        event_id=event_id("contact", "store", jid, now_ms, digest),
        session=session,
        occurred_at_ms=now_ms,
        source="live",
        jid=jid,
        lid=jid if is_lid(jid) else None,
        phone_jid=jid if is_phone_jid(jid) else None,
        push_name=push_name,
        full_name=full_name,
        business_name=business_name,
    )


class ContactDiff:
    """The names last published per JID (by this process): only new or changed contacts pass."""

    def __init__(self) -> None:
        self._published: dict[Jid, Names] = {}

    def changed(self, event: ContactUpdated) -> bool:
        names: Names = (event.push_name, event.full_name, event.business_name)
        jid = Jid(event.jid)
        if self._published.get(jid) == names:
            return False
        self._published[jid] = names
        return True
