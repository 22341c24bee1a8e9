"""Names inside an export's zip. Every component comes from content (chat names, file names the
sender chose), so each is reduced to a safe single component: no separators, no `..`, no control
or bidirectional characters, nothing Windows refuses (`<>:"|?*`, `CON`, trailing dots), bounded
length. Layout:

    index.html, style.css                       the export's chat list and the one style sheet
    chats/{folder}/index.html                   a chat's pages (one or more per month)
    chats/{folder}/pages/{YYYY-MM}[-{n}].html
    chats/{folder}/chat.json                    JSON (docs/export-v1.schema.json)
    chats/{folder}/WhatsApp Chat with {name}.txt   Android-style text
    chats/{folder}/{file_id}_{name}             media, next to the text as WhatsApp exports put it
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from deeplens.domain.media import download_name

_MAX_COMPONENT = 80
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_BIDI = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_WINDOWS_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?", re.IGNORECASE)
_INVISIBLE = frozenset({"Cc", "Zl", "Zp", "Cs"})  # controls, line/paragraph separators, surrogates
CHATS_DIR = "chats"
PAGES_DIR = "pages"


def safe_component(text: str | None, fallback: str = "file", limit: int = _MAX_COMPONENT) -> str:
    """One path component made of `text`: unsafe characters become `_`, whitespace runs one space,
    leading/trailing dots and spaces dropped, at most `limit` characters (extension kept)."""
    normalized = unicodedata.normalize("NFC", text or "")
    visible = "".join(
        c for c in normalized if c not in _BIDI and unicodedata.category(c) not in {"Cc", "Zl", "Zp", "Cs"}
    )
    cleaned = re.sub(r"\s+", " ", _UNSAFE.sub("_", visible)).strip(" .")
    if not cleaned.strip("_ ") or set(cleaned) <= {".", "_", " "}:
        return fallback
    if _WINDOWS_RESERVED.fullmatch(cleaned):
        cleaned = "_" + cleaned
    return _shorten(cleaned, limit)


def _shorten(name: str, limit: int) -> str:
    if len(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if dot and 0 < len(ext) <= 10 and stem:
        return stem[: limit - len(ext) - 1].rstrip(" .") + "." + ext
    return name[:limit].rstrip(" .")


def chat_folder(jid: str, title: str) -> str:
    """`{title}-{number or short hash}`: readable, and distinct for two chats of the same name."""
    user = jid.split("@", 1)[0]
    tag = user if re.fullmatch(r"[0-9]{1,20}", user) else hashlib.sha256(jid.encode()).hexdigest()[:10]
    return f"{safe_component(title, 'chat', 60)}-{tag}"


def chat_dir(jid: str, title: str) -> str:
    return f"{CHATS_DIR}/{chat_folder(jid, title)}"


# Files a browser would run as a page when opened from the export (a link click on file://, no CSP).
ACTIVE_EXTENSIONS = frozenset(
    {"html", "htm", "xhtml", "xht", "shtml", "svg", "svgz", "xml", "xsl", "xslt", "mht", "mhtml",
     "js", "mjs", "hta", "php", "swf", "url", "webloc", "desktop"}
)  # fmt: skip


def media_name(file_id: str, mime: str | None, file_name: str | None) -> str:
    """`{file_id}_{sender's name}`, or `{file_id}.{ext}` when there is no name: unique per file.
    A name a browser would open as a page (`.html`, `.svg`, ...) gets `.txt` added: shown as text."""
    if not file_name:
        name = safe_component(download_name(mime, None, file_id), file_id)
    else:
        name = f"{file_id}_{safe_component(download_name(mime, file_name, file_id), 'file', 100)}"
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    return f"{name}.txt" if extension in ACTIVE_EXTENSIONS else name


def text_name(title: str) -> str:
    return f"WhatsApp Chat with {safe_component(title, 'chat', 60)}.txt"


def page_name(month: str, part: int) -> str:
    """`2025-11.html`, then `2025-11-2.html`, ... for a month split in parts."""
    return f"{month}.html" if part == 1 else f"{month}-{part}.html"
