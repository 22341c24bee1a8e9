"""What a header's text means besides `Name: message`: system lines (no sender), the placeholders
WhatsApp writes instead of a message (media left out, deleted, missed call), the edited marker, and
attachments in both spellings. English first, then the locales seen most (de, es, fr, pt, it, nl)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from deeplens.domain.chat_export.text import strip_marks

_I = re.IGNORECASE

# Lines without a sender, by what they report (the reason a skipped line is counted under).
_SYSTEM_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, _I))
    for reason, pattern in (
        ("encryption notice", r"end-to-end|Ende-zu-Ende|de extremo a extremo|de bout en bout"
                              r"|ponta a ponta|crittografia end-to-end|end-to-end-versleuteld"),
        ("group created", r"\bcreated (?:the )?group\b|hat die Gruppe .* erstellt|creó el grupo"
                          r"|a créé le groupe|criou o grupo|ha creato il gruppo"),
        ("subject changed", r"changed the (?:subject|group name)|hat den Betreff|cambió el asunto"
                            r"|a modifié le sujet|mudou o assunto|ha cambiato l'oggetto"),
        ("description changed", r"changed the group description|hat die Gruppenbeschreibung"),
        ("icon changed", r"changed (?:this group's|the group) icon|hat das Gruppenbild"),
        ("member added", r"\badded\b|hat .* hinzugefügt|añadió|a ajouté|adicionou|ha aggiunto"),
        ("member removed", r"\bremoved\b|hat .* entfernt|eliminó a|a retiré|removeu|ha rimosso"),
        ("member left", r"\bleft$|hat die Gruppe verlassen|salió del grupo|est parti|saiu|è uscito"),
        ("member joined", r"\bjoined using|ist über den Einladungslink|se unió|a rejoint|entrou usando"),
        ("number changed", r"changed (?:their|to) (?:phone number|a new number)|hat die Telefonnummer"),
        ("security code changed", r"security code|Sicherheitsnummer|código de seguridad|code de sécurité"),
        ("admin changed", r"\badmin\b|Admin"),
        ("disappearing messages", r"disappearing messages|selbstlöschende Nachrichten|mensajes temporales"),
        ("call", r"missed (?:voice|video|group) call|verpasster (?:Sprach|Video)anruf|llamada perdida"
                 r"|^📞"),  # our own export's call line (domain/export/txt_render.py)
        ("settings changed", r"changed (?:the )?(?:group )?settings|changed this group's settings"),
        ("business notice", r"business account|Geschäftskonto|cuenta de empresa"),
    )
)  # fmt: skip

_MEDIA_OMITTED = re.compile(
    r"^(?:<Media omitted>|<Medien ausgeschlossen>|<Multimedia omitido>|<Médias omis>|<Mídia oculta>"
    r"|<Media omessi>|<Media weggelaten>|(?P<what>image|video|audio|sticker|GIF|document|Contact card)"
    r" omitted|(?P<was>Bild|Video|Audio|Sticker|GIF|Dokument) weggelassen)$",
    _I,
)
_DELETED = re.compile(
    r"^(?:This message was deleted|You deleted this message|Diese Nachricht wurde gelöscht"
    r"|Du hast diese Nachricht gelöscht|Se eliminó este mensaje|Eliminaste este mensaje"
    r"|Ce message a été supprimé|Vous avez supprimé ce message|Mensagem apagada|Você apagou esta mensagem"
    r"|Questo messaggio è stato eliminato|Dit bericht is verwijderd)\.?$",
    _I,
)
_CALL = re.compile(r"^(?:Missed (?:voice|video|group) call|Verpasster (?:Sprach|Video)anruf|Llamada perdida"
                   r"|Voice call|Video call)\b.*$", _I)  # fmt: skip
_EDITED = re.compile(
    r"\s*<(?:This message was edited|Diese Nachricht wurde bearbeitet|Se editó este mensaje"
    r"|Ce message a été modifié|Esta mensagem foi editada|Questo messaggio è stato modificato)>\s*$",
    _I,
)
_ANDROID_ATTACHED = re.compile(
    r"^(?P<file>[^\n/\\]+?\.[A-Za-z0-9]{1,10}) \((?:file attached|Datei angehängt|archivo adjunto"
    r"|fichier joint|arquivo anexado|file allegato|bestand bijgevoegd)\)$",
    _I,
)
_IOS_ATTACHED = re.compile(
    r"^<(?:attached|Anhang|adjunto|pièce jointe|anexo|allegato): (?P<file>[^>\n/\\]+)>$", _I
)
_LOCATION = re.compile(
    r"^(?:location|Standort|ubicación|position|localização|posizione): "
    r"https://maps\.google\.com/\?q=(?P<lat>-?\d{1,2}(?:\.\d+)?),(?P<lon>-?\d{1,3}(?:\.\d+)?)$",
    _I,
)


def system_reason(text: str) -> str:
    """Why a line without a sender is not a message (the counted reason)."""
    clean = strip_marks(text).strip()
    for reason, pattern in _SYSTEM_PATTERNS:
        if pattern.search(clean):
            return f"system line: {reason}"
    return "system line"


def ios_system_reason(body: str) -> str | None:
    """iOS writes group events as `Group name: \u200eAlice added Bob`: the mark gives them away."""
    if not body.startswith("\u200e"):
        return None
    clean = strip_marks(body).strip()
    if _IOS_ATTACHED.match(clean) or _MEDIA_OMITTED.match(clean) or _DELETED.match(clean):
        return None
    for reason, pattern in _SYSTEM_PATTERNS:
        if pattern.search(clean):
            return f"system line: {reason}"
    return None


@dataclass(frozen=True)
class Body:
    """A message's text taken apart: what it is, its text or caption, its attachment."""

    kind: str  # text | attachment | media_omitted | location | deleted | call | empty
    text: str | None = None
    attachment: str | None = None
    media_hint: str | None = None  # the type an omitted medium had, when the export says
    edited: bool = False
    latitude: float | None = None
    longitude: float | None = None


def read_body(raw: str) -> Body:
    """Classify one message's text (all its lines)."""
    body, edited = _without_edited_marker(raw)
    clean = strip_marks(body).strip()
    first, _, rest = clean.partition("\n")
    caption = rest.strip() or None
    attached = _IOS_ATTACHED.match(first.strip()) or _ANDROID_ATTACHED.match(first.strip())
    if attached:
        return Body("attachment", caption, attached["file"].strip(), edited=edited)
    return _special(clean, edited) or Body("text", body.strip("\n") if clean else None, edited=edited)


def _special(clean: str, edited: bool) -> Body | None:
    if not clean:
        return Body("empty", edited=edited)
    if omitted := _MEDIA_OMITTED.match(clean):
        hint = (omitted["what"] or omitted["was"] or "").lower() or None
        return Body("media_omitted", media_hint=hint, edited=edited)
    if _DELETED.match(clean):
        return Body("deleted")
    if _CALL.match(clean):
        return Body("call")
    if located := _LOCATION.match(clean):
        return Body("location", latitude=float(located["lat"]), longitude=float(located["lon"]))
    return None


def _without_edited_marker(raw: str) -> tuple[str, bool]:
    stripped = strip_marks(raw)
    match = _EDITED.search(stripped)
    if match is None:
        return strip_marks_at_edges(raw), False
    return strip_marks_at_edges(stripped[: match.start()]), True


def strip_marks_at_edges(text: str) -> str:
    """Marks before or after the text go; marks inside (in a bidirectional sentence) stay."""
    marks = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
    return text.strip(marks)


_MEDIA_BY_PREFIX = (
    ("PTT-", "voice"), ("IMG-", "image"), ("VID-", "video"), ("AUD-", "audio"), ("STK-", "sticker"),
    ("-PHOTO-", "image"), ("-VIDEO-", "video"), ("-AUDIO-", "voice"), ("-STICKER-", "sticker"),
    ("-GIF-", "video"),
)  # fmt: skip
_MEDIA_BY_EXTENSION = {
    "jpg": "image", "jpeg": "image", "png": "image", "heic": "image", "gif": "image", "webp": "sticker",
    "mp4": "video", "3gp": "video", "mov": "video", "webm": "video",
    "opus": "voice", "ogg": "audio", "mp3": "audio", "m4a": "audio", "aac": "audio", "amr": "audio",
    "wav": "audio",
}  # fmt: skip
_OMITTED_TYPES = {"image": "image", "video": "video", "audio": "audio", "sticker": "sticker", "gif": "video",
                  "document": "document", "bild": "image", "dokument": "document"}  # fmt: skip


def media_type_of(file_name: str) -> str:
    """The envelope's message type for an attachment, from WhatsApp's file naming, else its extension."""
    for marker, media_type in _MEDIA_BY_PREFIX:
        if marker in file_name.upper():
            return media_type
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    return _MEDIA_BY_EXTENSION.get(extension, "document")


def omitted_type(hint: str | None) -> str | None:
    return _OMITTED_TYPES.get(hint or "")
