"""WhatsApp's own text export, Android style, so other tools (and our importer) read it:

    24/11/2025, 17:40 - Anna Schmidt: Hallo, wie geht's?
    24/11/2025, 17:41 - Anna Schmidt: F0000000000000A3.jpg (file attached)
    holiday
    24/11/2025, 17:42 - Bob: <Media omitted>
    24/11/2025, 17:43 - Bob: This message was deleted
    24/11/2025, 17:44 - Bob: POLL:
    Lunch?
    OPTION: Pizza (2 votes)

Times in the export's time zone, 24-hour clock, day first. A message's further lines follow as they
are, except a line that a reader could take for a message header (one starting with a digit, `[`,
a direction mark or the escape itself): it gets a leading WORD JOINER (U+2060, invisible), so a
text can never forge another message in a reader of this format; our importer takes it off again
(domain/chat_export/text.py), so a chat comes back as it was. (A direction mark, U+200E, would not
do: WhatsApp itself writes one before iOS headers, so readers skip it.) A sender name loses its
line breaks, and its `: ` becomes `:` + a no-break space, so the first `: ` after the dash always
ends the name.

A timeline entry (a group change, a call) is a system line, as WhatsApp writes them: no sender,
one line (`24/11/2025, 17:45 - Bob added +4915112345678`); the same two rules keep a subject that
holds `: ` or a line break from reading as `Name: text` or as a line of its own, so a reader (ours
included, domain/chat_export/system.py) skips it as a system line instead of importing a message."""

from __future__ import annotations

import re
from datetime import tzinfo

from deeplens.domain.chat_export.text import LINE_ESCAPE, escape_line
from deeplens.domain.export.records import ExportMessage, local_time, poll_tally
from deeplens.domain.timeline import TIMELINE_TYPES

HEADER = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4},? \d{1,2}:\d{2}")
MARK = LINE_ESCAPE
DELETED = "This message was deleted"
OMITTED = "<Media omitted>"
ATTACHED = " (file attached)"


def message_lines(message: ExportMessage, tz: tzinfo) -> str:
    """The message as it appears in the text, ending in a newline."""
    when = local_time(message.timestamp, tz).strftime("%d/%m/%Y, %H:%M")
    body = _body(message)
    if message.type in TIMELINE_TYPES:
        return f"{when} - {one_line(body)}\n"
    first, *rest = body.split("\n")
    lines = [f"{when} - {sender_name(message.sender_label(me='You'))}: {first}"]
    lines.extend(escape_line(line) for line in rest)
    return "\n".join(lines) + "\n"


def sender_name(name: str) -> str:
    return one_line(name) or "Unknown"


def one_line(text: str) -> str:
    """`text` on one line without `: ` (it becomes `:` + a no-break space)."""
    return re.sub(r"[\r\n\u2028\u2029]+", " ", text).replace(": ", ":\u00a0").strip()


def _body(message: ExportMessage) -> str:
    if message.deleted_at:
        return DELETED
    text = (message.text or "").replace("\r\n", "\n").replace("\r", "\n")
    if message.poll is not None:
        options = "\n".join(
            f"OPTION: {option} ({len(votes)} vote{'' if len(votes) == 1 else 's'})"
            for option, votes in poll_tally(message.poll)
        )
        return f"POLL:\n{message.poll.question or ''}\n{options}".rstrip()
    if message.media is not None:
        attachment = message.media.export_name + ATTACHED if message.media.export_name else OMITTED
        return attachment + (f"\n{text}" if text else "")
    return text or f"[{message.type}]"
