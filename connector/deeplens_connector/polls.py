"""Live poll votes: decrypted through the client, option hashes named from the polls seen.

A live `pollUpdateMessage` carries the vote encrypted with the poll's message secret, which
whatsmeow kept when the poll arrived (`whatsmeow_message_secrets`). `client.decrypt_poll_vote(ev)`
(whatsmeow DecryptPollVote) returns `PollVoteMessage.selectedOptions`: sha256(option name) each.
The names come from the poll itself, remembered here when it passed through the pipeline (live or
history); a vote on a poll this process never saw keeps the hashes (hex), which the envelope allows.
History votes need none of this: the phone sends them decrypted (web_messages.web_vote).

neonize 0.5.2's own `NewClient.decrypt_poll_vote` cannot work: `DecryptPollVote` is missing from
the functions `_binder` gives the `consume_bytes_struct` errcheck, so it hands a ctypes pointer to
`FromString` (TypeError "expected bytes, LP_Bytes found", verified). `decrypt_poll_vote` below is
the same call with the result read (and freed) the way neonize reads every other such function.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from deeplens.domain.envelope import MessageSeen
from deeplens.domain.errors import InvalidJid
from neonize._binder import consume_bytes_struct, gocode
from neonize.exc import DecryptPollVoteError
from neonize.proto import Neonize_pb2 as N

from deeplens_connector.translate import DecryptedVote, jid_of

log = logging.getLogger("deeplens.connector.polls")
Decrypt = Callable[[Any], Any]  # neonize.Message (MessageEv) -> waE2E.PollVoteMessage
_POLLS_KEPT = 20_000  # (chat, id) -> option names: a few MB at most


def decrypt_poll_vote(client: Any, ev: Any) -> Any:
    """whatsmeow DecryptPollVote for a live MessageEv -> waE2E.PollVoteMessage (selectedOptions);
    DecryptPollVoteError when whatsmeow cannot (no secret for the poll, not connected, ...)."""
    data = ev.SerializeToString()
    raw = consume_bytes_struct(gocode.DecryptPollVote(client.uuid, data, len(data)), None, None)
    answer = N.ReturnFunctionWithError.FromString(raw)
    if answer.Error:
        raise DecryptPollVoteError(answer.Error)
    return answer.PollVoteMessage


class PollVotes:
    def __init__(self, decrypt: Decrypt | None, kept: int = _POLLS_KEPT) -> None:
        self._decrypt = decrypt  # None in a replay: no session keys, votes stay undecrypted
        self._kept = kept
        self._options: OrderedDict[tuple[str, str], tuple[str, ...]] = OrderedDict()

    def remember(self, event: MessageSeen) -> None:
        """Keep the option names of a poll (called for every message, tracked or not)."""
        if event.poll is None:
            return
        self._options[(event.chat_jid, event.message_id)] = tuple(event.poll.options)
        if len(self._options) > self._kept:
            self._options.popitem(last=False)

    def vote_of(self, ev: Any) -> DecryptedVote | None:
        """The decrypted vote of a live MessageEv; None when it is no vote or cannot be decrypted
        (the translation then emits nothing rather than a wrong "retracted")."""
        if self._decrypt is None or not _is_vote(ev):
            return None
        try:
            selected = tuple(self._decrypt(ev).selectedOptions)
        except Exception as error:  # DecryptPollVoteError: no secret for that poll, bad payload, ...
            log.warning("poll vote not decrypted", extra={"message_id": ev.Info.ID, "error": str(error)})
            return None
        return DecryptedVote(selected, self._options.get(self._poll_of(ev), ()))

    @staticmethod
    def _poll_of(ev: Any) -> tuple[str, str]:
        """(chat, message id) of the poll voted on: a vote is sent in the poll's own chat."""
        try:
            chat = jid_of(ev.Info.MessageSource.Chat) or ""
        except InvalidJid:
            chat = ""  # translate_message reports it
        return chat, ev.Message.pollUpdateMessage.pollCreationMessageKey.ID


def _is_vote(ev: Any) -> bool:
    return bool(ev.HasField("Message") and ev.Message.HasField("pollUpdateMessage"))
