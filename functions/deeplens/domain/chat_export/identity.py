"""Who wrote each line: exports carry display names (or a phone number for an unsaved contact),
never JIDs. In order: an explicit mapping, the exporter's own name (`me`), a phone number, the
other party of a direct chat, a name the archive knows for exactly one person of the chat; anyone
else gets a stable synthetic id (reported, to be mapped on a later run)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from deeplens.domain.chat_export.text import normalized
from deeplens.domain.errors import InvalidExport, InvalidJid
from deeplens.domain.ids import PHONE_SERVER, canonical_jid, chat_kind_of

_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-\u00a0]{5,24}[0-9]$")
SYNTHETIC_PREFIX = "000"  # no real LID starts with zeros: an id the import made up


@dataclass(frozen=True)
class Sender:
    jid: str
    from_me: bool
    how: str  # mapped | me | phone number | direct chat | archive name | synthetic


@dataclass(frozen=True)
class Identities:
    """What the importer knows besides the file."""

    chat_jid: str
    me_name: str | None = None
    me_jid: str | None = None  # the account's own JID (connector status, or given)
    mapping: Mapping[str, str] | None = None  # display name -> JID, given at import
    known_names: Iterable[tuple[str, str]] = ()  # (JID, name) the archive knows in this chat


# WhatsApp's word for the exporter in an English export (our own text export writes it too): the
# account itself when no other name is given for it (other languages: give me_name).
YOU = "you"


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """`Name=JID` pairs (CLI `--map`); the JID canonical."""
    mapping: dict[str, str] = {}
    for item in items:
        name, separator, jid = item.rpartition("=")
        if not separator or not name.strip():
            raise InvalidExport(f"--map {item!r}: expected NAME=JID")
        mapping[normalized(name).casefold()] = _jid(jid.strip(), f"--map {item!r}")
    return mapping


def mapping_of(pairs: Mapping[str, str]) -> dict[str, str]:
    """Name -> JID or phone number as the sender review of the web UI gives them; the JID
    canonical. InvalidExport names the first value that is neither."""
    return {
        normalized(name).casefold(): _phone_jid(value) or _jid(value.strip(), f"sender {name!r}")
        for name, value in pairs.items()
    }


def _jid(value: str, what: str) -> str:
    try:
        return canonical_jid(value)
    except InvalidJid as error:
        raise InvalidExport(f"{what}: {error}") from None


def synthetic_jid(name: str) -> str:
    """A stable made-up sender id for a display name: the same name gets the same id in every
    import, so a later `--map` or contact can be told apart from it."""
    digest = hashlib.sha256(normalized(name).casefold().encode()).digest()
    return f"{SYNTHETIC_PREFIX}{int.from_bytes(digest[:9]) % 10**20:020d}@lid"


def resolve_senders(names: Iterable[str], known: Identities) -> dict[str, Sender]:
    """Every display name of the file -> its sender."""
    by_name = _archive_names(known.known_names)
    mapping = known.mapping or {}
    me = normalized(known.me_name).casefold() if known.me_name else None
    direct = chat_kind_of(known.chat_jid) == "direct"
    return {name: _resolve(name, known, by_name, mapping, me=me, direct=direct) for name in names}


def _resolve(
    name: str,
    known: Identities,
    by_name: dict[str, set[str]],
    mapping: Mapping[str, str],
    *,
    me: str | None,
    direct: bool,
) -> Sender:
    key = normalized(name).casefold()
    own = known.me_jid or synthetic_jid("\x00me")
    if key in mapping:
        return Sender(mapping[key], mapping[key] == known.me_jid, "mapped")
    if key == (me if me is not None else YOU):
        return Sender(own, True, "me")
    if phone := _phone_jid(name):
        return Sender(phone, phone == known.me_jid, "phone number")
    candidates = by_name.get(key, set())
    if direct and (me is not None or known.chat_jid in candidates):
        return Sender(known.chat_jid, False, "direct chat")
    if len(candidates) == 1:
        jid = next(iter(candidates))
        return Sender(jid, jid == known.me_jid, "archive name")
    return Sender(synthetic_jid(name), False, "synthetic")


def _phone_jid(name: str) -> str | None:
    text = normalized(name)
    if not _PHONE.match(text):
        return None
    digits = re.sub(r"\D", "", text)
    if not 7 <= len(digits) <= 15:
        return None
    return f"{digits}@{PHONE_SERVER}"


def _archive_names(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    by_name: dict[str, set[str]] = {}
    for jid, name in pairs:
        if name and jid:
            by_name.setdefault(normalized(name).casefold(), set()).add(jid)
    return by_name
