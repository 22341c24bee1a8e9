"""Posts of channels (newsletters) we follow, as whatsmeow delivers them.

A channel post is not end-to-end encrypted: whatsmeow parses its `<plaintext>` and dispatches an
ordinary MessageEv whose chat and sender are the channel (`…@newsletter`), with `Info.ServerID`
set. It translates like any message (a read-only chat: never from me). Two things differ:
- an edited post arrives as the whole new post under the original's id, with a `<meta
  msg_edit_t=…>` that neonize hands over as `NewsLetterMeta.EditTS` (seconds, neonize encodes
  `time.Unix()`; 0 or negative when there was no edit): it becomes an `edit` of that post, not a
  second copy of it (ingest would keep the first copy's text);
- channel media is not encrypted (no media key, no encrypted hash): see MediaRef.download_message.
"""

from __future__ import annotations

from typing import Any

from deeplens.domain.envelope import Event, MessageEdited
from deeplens.domain.envelope_parts import MessageKey

from deeplens_connector.translate.common import event_id
from deeplens_connector.translate.content import classify, content_fields, raw_of
from deeplens_connector.translate.messages import Sent
from deeplens_connector.translate.text import clean_raw, safe_text


def newsletter_edited_at_ms(ev: Any) -> int | None:
    """When a channel post was edited (a MessageEv carrying NewsLetterMeta.EditTS), else None."""
    if not ev.HasField("NewsLetterMeta"):
        return None
    edited_s = ev.NewsLetterMeta.EditTS
    return edited_s * 1000 if edited_s > 0 else None


def newsletter_edit(sent: Sent, message: Any, edited_at_ms: int) -> list[Event]:
    """The new content of the post `sent.message_id` as an `edit` of it ([] for no content)."""
    fields = content_fields(message)
    if not fields:
        return []
    content = classify(message, fields)
    target = MessageKey(chat_jid=sent.chat, message_id=sent.message_id, sender_jid=sent.sender)
    return [
        MessageEdited(
            event_id=event_id("edit", sent.chat, sent.message_id, edited_at_ms),
            session=sent.origin.session,
            occurred_at_ms=sent.origin.now_ms,
            source=sent.source,
            target=target,
            new_text=safe_text(content.text),
            new_raw=clean_raw(content.text, raw_of(message, content.media_field, fields)),
            edited_at_ms=edited_at_ms,
        )
    ]
