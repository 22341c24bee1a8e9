"""Sealed messages opened in the connector: where the originals' secrets come from, and the sealed
messages that wait for one (docs/decisions.md, 2026-12-06 Sealed edits).

A secret is looked up by the original's message id: first among the messages this process saw
(live, each with its `messageContextInfo.messageSecret`; the newest `_SECRETS_KEPT`), then in
whatsmeow's own store (`whatsmeow_message_secrets` in the session database, where whatsmeow puts
every secret it sees, live and from the history sync, before the event reaches us). Several
candidates (secrets, LID/phone senders) may be tried: AES-GCM authenticates, so a wrong one never
yields a wrong plaintext.

A sealed message whose original's secret is not known yet is published kept (an `unknown` message
with the ciphertext and the reason) and waits here, in the spool's `sealed-waiting/` (one file per
message: the neonize event as received, mode 0600). When the original passes through the pipeline
later (live, or in a history chunk), the waiting messages are opened and their events published.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from deeplens.domain.errors import InvalidJid
from deeplens.domain.ids import LID_SERVER, PHONE_SERVER
from neonize.proto import Neonize_pb2 as N
from psycopg_pool import ConnectionPool

from deeplens_connector.msgsecret import NotOpened, Sealed, open_sealed, sealed_in
from deeplens_connector.translate import Unsealed, jid_of
from deeplens_connector.translate.content import unwrap
from deeplens_connector.translate.jids import canonical_jid, parse_jid

log = logging.getLogger("deeplens.connector.unsealing")
FOLDER = "sealed-waiting"
NOT_FOUND = "original message secret not found"
_SECRETS_KEPT = 50_000  # message id -> secret of the newest live messages: ~10 MB at most
_WAITING_KEPT = 10_000  # sealed messages waiting for their original: the oldest go first
_STORE_ROWS = 8  # one message id has one secret; a few rows at most (LID and phone senders)


class KnownSecret(NamedTuple):
    """An original's secret and the (non-AD) JID its sender had when it was kept."""

    sender: str
    secret: bytes


StoreRead = Callable[[str], list[KnownSecret]]  # original message id -> its secrets


class MessageSecrets:
    """Secrets by original message id: those this process saw, then whatsmeow's store."""

    def __init__(self, store: StoreRead | None = None, kept: int = _SECRETS_KEPT) -> None:
        self._store = store  # None in a replay and in tests: no session store
        self._kept = kept
        self._seen: OrderedDict[str, tuple[KnownSecret, ...]] = OrderedDict()

    def remember(self, message_id: str, senders: Iterable[str], secret: bytes) -> None:
        self._seen[message_id] = tuple(KnownSecret(sender, secret) for sender in dict.fromkeys(senders))
        self._seen.move_to_end(message_id)
        if len(self._seen) > self._kept:
            self._seen.popitem(last=False)

    def of(self, message_id: str) -> list[KnownSecret]:
        seen = self._seen.get(message_id)
        if seen:
            return list(seen)
        if self._store is None:
            return []
        try:
            return self._store(message_id)
        except Exception as error:  # the session store is down: the message waits like any other
            log.warning("message secret store not readable", extra={"error": str(error)})
            return []


class StoreSecrets:
    """Reads whatsmeow's `whatsmeow_message_secrets` (schema since whatsmeow's upgrade 3:
    our_jid, chat_jid, sender_jid, message_id, key). The sender is stored as whatsmeow saw it
    (with its device): made non-AD here, as generateMsgSecretKey does."""

    _SQL = "SELECT sender_jid, key FROM whatsmeow_message_secrets WHERE message_id = %s LIMIT %s"

    def __init__(self, url: str) -> None:
        self._pool: ConnectionPool[Any] = ConnectionPool(
            url, min_size=0, max_size=1, timeout=5, kwargs={"connect_timeout": 5}, open=True,
            name="message-secrets",
        )  # fmt: skip

    def __call__(self, message_id: str) -> list[KnownSecret]:
        with self._pool.connection() as conn:
            rows = conn.execute(self._SQL, (message_id, _STORE_ROWS)).fetchall()
        return [known for sender, key in rows if (known := _known(str(sender), bytes(key))) is not None]

    def close(self) -> None:
        self._pool.close()


def _known(sender: str, secret: bytes) -> KnownSecret | None:
    try:
        return KnownSecret(canonical_jid(sender), secret)
    except InvalidJid:
        return None


class WaitingSealed:
    """Sealed messages (neonize events) by the id of the original they wait for; on disk when given
    a folder (kept across restarts), else only in memory (a replay)."""

    def __init__(self, folder: Path | None = None, kept: int = _WAITING_KEPT) -> None:
        self._folder = folder
        self._kept = kept
        self._events: OrderedDict[str, tuple[str, bytes]] = OrderedDict()  # name -> (target id, event)
        self._names: dict[str, list[str]] = {}  # target id -> names, in arrival order
        if folder is not None:
            self._load(folder)

    def __bool__(self) -> bool:
        return bool(self._events)

    def __len__(self) -> int:
        return len(self._events)

    def waits_for(self, message_id: str) -> bool:
        return message_id in self._names

    def keep(self, ev: Any, target_id: str) -> None:
        name = _file_name(ev)
        data = ev.SerializePartialToString()
        if self._folder is not None:
            _write_private(self._folder / name, data)
        self._add(name, target_id, data)
        while len(self._events) > self._kept:
            oldest = next(iter(self._events))
            self._remove(oldest)
            log.warning("sealed message no longer waits for its original", extra={"file": oldest})

    def take(self, message_id: str) -> list[Any]:
        """The events waiting for `message_id`, in arrival order, forgotten here."""
        names = list(self._names.get(message_id, ()))
        return [N.Message.FromString(self._remove(name)) for name in names]

    def _add(self, name: str, target_id: str, data: bytes) -> None:
        if name in self._events:  # the same sealed message again (a redelivery): kept once
            self._remove(name)
        self._events[name] = (target_id, data)
        self._names.setdefault(target_id, []).append(name)

    def _remove(self, name: str) -> bytes:
        target_id, data = self._events.pop(name)
        names = self._names[target_id]
        names.remove(name)
        if not names:
            del self._names[target_id]
        if self._folder is not None:
            (self._folder / name).unlink(missing_ok=True)
        return data

    def _load(self, folder: Path) -> None:
        if not folder.is_dir():
            return
        for path in sorted(folder.glob("*.pb"), key=lambda path: path.stat().st_mtime_ns):
            try:
                data = path.read_bytes()
                self._add(path.name, _target_of(N.Message.FromString(data)), data)
            except Exception as error:  # unreadable: set aside, never retried in a loop
                log.error("sealed message record unreadable", extra={"path": str(path), "error": str(error)})
                path.rename(path.with_suffix(".bad"))


def _file_name(ev: Any) -> str:
    source = ev.Info.MessageSource
    text = f"{source.Chat.User}@{source.Chat.Server}:{ev.Info.ID}"
    return hashlib.sha256(text.encode()).hexdigest()[:40] + ".pb"


def _target_of(ev: Any) -> str:
    sealed = sealed_in(unwrap(ev.Message)[0])
    if sealed is None:
        raise ValueError("not a sealed message")
    return str(sealed.target.ID)


def _write_private(path: Path, data: bytes) -> None:
    """Temporary name (mode 0600), fsync, rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.rename(path)


Reopened = tuple[Any, Unsealed]  # a sealed neonize event that waited, and its plaintext


class Unsealer:
    """Opens the sealed messages the pipeline sees, keeps those it cannot, reopens them later."""

    def __init__(self, secrets: MessageSecrets | None = None, waiting: WaitingSealed | None = None) -> None:
        self._secrets = secrets or MessageSecrets()
        self._waiting = waiting if waiting is not None else WaitingSealed()

    def open(self, ev: Any) -> Unsealed | None:
        """The plaintext of a sealed MessageEv, or why not (then it waits for its original's
        secret when that is what is missing); None when `ev` is not sealed."""
        sealed = _sealed_of(ev)
        if sealed is None:
            return None
        if sealed.use_case is None:
            return Unsealed(None, f"unsupported secret encryption type {sealed.kind}")
        known = self._secrets.of(sealed.target.ID)
        if not known:
            self._waiting.keep(ev, sealed.target.ID)
            return Unsealed(None, NOT_FOUND)
        try:
            return Unsealed(_attempt(ev, sealed, known))
        except NotOpened as error:
            log.warning("sealed message not opened", extra={"message_id": ev.Info.ID, "error": str(error)})
            return Unsealed(None, str(error))

    def learn(self, ev: Any) -> list[Reopened]:
        """Remember the secret a live message carries; the sealed messages that waited for it."""
        secret = _live_secret(ev)
        if not secret:
            return []
        self._secrets.remember(ev.Info.ID, _live_senders(ev), secret)
        return self._reopen(ev.Info.ID)

    def learn_history(self, data: Any, own_jid: str | None) -> list[Reopened]:
        """The same for the originals in a history chunk (looked at only while something waits)."""
        if not self._waiting:
            return []
        reopened: list[Reopened] = []
        for chat, web in _history_secrets(data):
            if self._waiting.waits_for(web.key.ID):
                self._secrets.remember(web.key.ID, _history_senders(chat, web, own_jid), web.messageSecret)
                reopened += self._reopen(web.key.ID)
        return reopened

    def _reopen(self, message_id: str) -> list[Reopened]:
        reopened = []
        for ev in self._waiting.take(message_id):
            unsealed = self.open(ev)
            if unsealed is not None and unsealed.plaintext is not None:
                reopened.append((ev, unsealed))
        return reopened


def _sealed_of(ev: Any) -> Sealed | None:
    if not ev.HasField("Message"):
        return None
    return sealed_in(unwrap(ev.Message)[0])


def _attempt(ev: Any, sealed: Sealed, known: list[KnownSecret]) -> bytes:
    """Every (secret, original sender, modifier) candidate until one authenticates."""
    modifiers = _live_senders(ev)
    for secret in dict.fromkeys(known_one.secret for known_one in known):
        for original_sender in _original_senders(ev, sealed, known):
            for modifier in modifiers:
                try:
                    return open_sealed(
                        sealed, secret, original_id=sealed.target.ID, original_sender=original_sender,
                        modifier=modifier,
                    )  # fmt: skip
                except NotOpened:
                    continue
    raise NotOpened("message authentication failed")


def _original_senders(ev: Any, sealed: Sealed, known: list[KnownSecret]) -> list[str]:
    """whatsmeow getOrigSenderFromKey first (fromMe: the modifier; a direct chat: the key's chat;
    a group: the key's participant), then the senders the secret was kept with."""
    key, source = sealed.target, ev.Info.MessageSource
    from_key: list[str | None]
    if key.fromMe:
        from_key = [jid_of(source.Sender)]
    elif source.Chat.Server in (PHONE_SERVER, LID_SERVER):
        from_key = [_non_ad(key.remoteJID) or jid_of(source.Chat)]
    else:
        from_key = [_non_ad(key.participant)]
    return list(dict.fromkeys(s for s in [*from_key, *(k.sender for k in known)] if s))


def _live_senders(ev: Any) -> list[str]:
    source = ev.Info.MessageSource
    return [jid for jid in dict.fromkeys([jid_of(source.Sender), jid_of(source.SenderAlt)]) if jid]


def _live_secret(ev: Any) -> bytes:
    """whatsmeow keeps the secret of the message as decrypted (neonize's Raw, before a
    deviceSentMessage is unwrapped), which is where an own message from the phone carries it."""
    for field in ("Raw", "Message"):
        if ev.HasField(field):
            secret = bytes(getattr(ev, field).messageContextInfo.messageSecret)
            if secret:
                return secret
    return b""


def _history_secrets(data: Any) -> Iterator[tuple[str, Any]]:
    for conversation in data.conversations:
        for item in conversation.messages:
            if item.message.messageSecret:
                yield conversation.ID, item.message


def _history_senders(chat: str, web: Any, own_jid: str | None) -> list[str]:
    """whatsmeow storeHistoricalMessageSecrets: fromMe -> the account; a direct chat -> the chat;
    a group -> the key's participant, else the message's."""
    if web.key.fromMe:
        candidates = [own_jid]
    elif _server_of(chat) in (PHONE_SERVER, LID_SERVER):
        candidates = [_non_ad(chat)]
    else:
        candidates = [_non_ad(web.key.participant or web.participant)]
    return [sender for sender in candidates if sender]


def _non_ad(text: str) -> str | None:
    try:
        return canonical_jid(text) if text else None
    except InvalidJid:
        return None


def _server_of(text: str) -> str:
    try:
        return parse_jid(text).server
    except InvalidJid:
        return ""
