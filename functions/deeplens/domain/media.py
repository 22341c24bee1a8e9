"""Where decrypted media lives in the bucket: `{chat_jid}/{YYYY-MM-DD}/{file_id}.{ext}` (UTC day),
and how it goes out to a browser: which types may render inline, the Content-Disposition, byte
ranges and entity tags (RFC 9110, RFC 6266 / 5987)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import quote

from deeplens.domain.errors import DeepLensError, InvalidEnvelope
from deeplens.domain.ids import FILE_ID_PATTERN, canonical_jid

_FILE_ID = re.compile(FILE_ID_PATTERN, re.ASCII)
_EXTENSION = re.compile(r"[a-z0-9]{1,10}", re.ASCII)
FALLBACK_EXTENSION = "bin"

# What WhatsApp sends; anything else falls back to the file name's extension, then `bin`.
_MIME_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/heic": "heic",
    "video/mp4": "mp4",
    "video/3gpp": "3gp",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "audio/ogg": "ogg",  # voice notes: audio/ogg; codecs=opus
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/aac": "aac",
    "audio/amr": "amr",
    "audio/wav": "wav",
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/zip": "zip",
    "application/vnd.android.package-archive": "apk",
    "application/was": "was",  # animated (Lottie) sticker
    "text/plain": "txt",
    "text/csv": "csv",
    "text/vcard": "vcf",
    "text/x-vcard": "vcf",
}


def valid_file_id(value: str) -> bool:
    """Letters, digits, `_` and `-` only (8-128): never a path, so safe in keys and URLs."""
    return isinstance(value, str) and _FILE_ID.fullmatch(value) is not None


def media_key(chat_jid: str, timestamp_ms: int, file_id: str, ext: str) -> str:
    """The bucket key of a media object; the chat is canonical, the day is the message's UTC day."""
    if not valid_file_id(file_id):
        raise InvalidEnvelope(f"media.file_id: not a file id: {file_id!r}")
    if _EXTENSION.fullmatch(ext) is None:
        raise InvalidEnvelope(f"media extension: expected 1-10 of [a-z0-9], got {ext!r}")
    if timestamp_ms < 0:
        raise InvalidEnvelope(f"timestamp_ms: negative ({timestamp_ms})")
    day = datetime.fromtimestamp(timestamp_ms // 1000, UTC).date().isoformat()
    return f"{canonical_jid(chat_jid)}/{day}/{file_id}.{ext}"


def extension_for(mime: str | None, file_name: str | None) -> str:
    """The extension for a media object: from its mime type, else its file name, else `bin`."""
    base = (mime or "").split(";", 1)[0].strip().lower()
    if base in _MIME_EXTENSIONS:
        return _MIME_EXTENSIONS[base]
    return _file_name_extension(file_name) or FALLBACK_EXTENSION


def _file_name_extension(file_name: str | None) -> str | None:
    if not file_name or "." not in file_name:
        return None
    ext = file_name.rsplit(".", 1)[1].strip().lower()
    return ext if _EXTENSION.fullmatch(ext) else None


# --- Delivery to a browser -----------------------------------------------------------------------
# The sender chooses a document's mime type and name. Only types a browser renders as media (no
# script, no markup) go out inline under their own type; everything else (HTML, SVG, XML,
# JavaScript, unknown) is an `application/octet-stream` attachment, so it can never run on the
# API's origin. Sent with `X-Content-Type-Options: nosniff` so the browser does not guess either.

ATTACHMENT_TYPE = "application/octet-stream"
INLINE_TYPES = frozenset(
    {
        # raster images (never image/svg+xml: SVG is markup and can carry script)
        "image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/heic",
        "image/heif", "image/bmp",
        "application/pdf",
    }
)  # fmt: skip
INLINE_FAMILIES = ("audio/", "video/")  # rendered only by the media player
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}", re.ASCII)
_MAX_NAME = 120  # characters of a download name (a header, not a file system)
_PATH_SEPARATORS = re.compile(r"[/\\]")
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_FALLBACK_DROPPED = re.compile(r'["\\\x00-\x1f\x7f]')
_FALLBACK_REPLACED = re.compile(r"%")  # some browsers would percent-decode the plain filename
_NON_ASCII_RUN = re.compile(r"[^\x20-\x7e]+")
_ATTR_CHARS = "!#$&+-.^_`|~"  # RFC 5987 attr-char besides letters and digits

Disposition = Literal["inline", "attachment"]


@dataclass(frozen=True)
class Delivery:
    """The headers a media file goes out with, wherever it is served from."""

    content_type: str
    content_disposition: str

    @property
    def inline(self) -> bool:
        return self.content_disposition.startswith("inline")


def inline_type(mime: str | None) -> str | None:
    """The media type to serve inline (parameters dropped), or None when `mime` may not be."""
    base = (mime or "").split(";", 1)[0].strip().lower()
    if _MEDIA_TYPE.fullmatch(base) is None:
        return None
    if base in INLINE_TYPES or base.startswith(INLINE_FAMILIES):
        return base
    return None


def stored_type(mime: str | None) -> str:
    """The Content-Type an object is stored under: the sender's media type (lower case, without
    parameters) when it is one, else application/octet-stream. A sender's type is hostile: CR/LF or
    other bytes an HTTP header cannot carry would fail every upload of the object."""
    base = (mime or "").split(";", 1)[0].strip().lower()
    return base if _MEDIA_TYPE.fullmatch(base) else "application/octet-stream"


def delivery_for(mime: str | None, file_name: str | None, file_id: str) -> Delivery:
    """Inline under its own type when allow-listed, else an octet-stream attachment; named after
    the sender's file name, or `{file_id}.{ext}` when there is none."""
    name = download_name(mime, file_name, file_id)
    served = inline_type(mime)
    if served is None:
        return Delivery(ATTACHMENT_TYPE, content_disposition("attachment", name))
    return Delivery(served, content_disposition("inline", name))


def download_name(mime: str | None, file_name: str | None, file_id: str) -> str:
    """The sender's file name without control characters, path separators or a path, at most
    120 characters (the extension kept); `{file_id}.{ext}` when nothing is left."""
    visible = "".join(char for char in unicodedata.normalize("NFC", file_name or "") if _visible(char))
    cleaned = _PATH_SEPARATORS.sub("_", visible).strip(" .")
    if not cleaned.strip("_"):
        return f"{file_id}.{extension_for(mime, file_name)}"
    if len(cleaned) <= _MAX_NAME:
        return cleaned
    stem, dot, ext = cleaned.rpartition(".")
    if dot and 0 < len(ext) <= 10:
        return stem[: _MAX_NAME - len(ext) - 1] + "." + ext
    return cleaned[:_MAX_NAME]


def _visible(char: str) -> bool:
    """Not a control, line/paragraph separator or bidirectional override (U+202E would show
    `invoice<U+202E>fdp.exe` as `invoiceexe.pdf`)."""
    return unicodedata.category(char) not in {"Cc", "Zl", "Zp", "Cs"} and char not in _BIDI_CONTROLS


def content_disposition(kind: Disposition, file_name: str) -> str:
    """RFC 6266: `kind; filename="ascii fallback"` plus `filename*=UTF-8''…` (RFC 5987) when
    the name is not plain ASCII, so Cyrillic, CJK or emoji names survive in every browser."""
    fallback = ascii_fallback(file_name)
    value = f'{kind}; filename="{fallback}"'
    if fallback != file_name:
        value += "; filename*=UTF-8''" + quote(file_name, safe=_ATTR_CHARS)
    return value


def ascii_fallback(file_name: str) -> str:
    """Printable ASCII for old clients: accents dropped, other runs of non-ASCII and `%` become
    `_`, quotes, backslashes and control characters (CR, LF) removed."""
    decomposed = unicodedata.normalize("NFKD", file_name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    kept = _FALLBACK_REPLACED.sub("_", _FALLBACK_DROPPED.sub("", plain))
    ascii_only = _NON_ASCII_RUN.sub("_", kept).strip()
    return ascii_only or "download"


# --- Byte ranges and entity tags -----------------------------------------------------------------
# One range per request: `bytes=first-last`, `bytes=first-` and `bytes=-suffix`. A header with
# several ranges is ignored (RFC 9110 allows it: the whole file, 200) rather than answered with a
# multipart/byteranges body no browser asks for; a range of another unit is ignored too. A
# malformed bytes range, or one that starts past the end, is answered 416.

_RANGE_SPEC = re.compile(r"(\d{0,19})[ \t]*-[ \t]*(\d{0,19})", re.ASCII)
_CONTENT_RANGE = re.compile(r"bytes (\d{1,19})-(\d{1,19})/(\d{1,19})", re.ASCII)
_QUOTED_TAG = re.compile(r'"[\x21\x23-\x7e]{1,200}"', re.ASCII)
_RANGE_UNIT = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+", re.ASCII)


class RangeNotSatisfiable(DeepLensError):
    """A Range header that names bytes but no valid single byte range, or one that starts past
    the end of the object (answered 416); `size` is the object's when it is known."""

    def __init__(self, message: str, size: int | None = None) -> None:
        super().__init__(message)
        self.size = size


@dataclass(frozen=True)
class ByteRange:
    """One requested range: `first`-`last` (inclusive; `last` None = to the end), or the last
    `suffix` bytes when `first` is None."""

    first: int | None
    last: int | None = None
    suffix: int | None = None

    @property
    def is_suffix(self) -> bool:
        return self.first is None

    def header(self) -> str:
        """The Range header for S3 (first-last or first-; a suffix is resolved first)."""
        if self.first is None:
            return f"bytes=-{self.suffix}"
        return f"bytes={self.first}-{'' if self.last is None else self.last}"

    def resolve(self, size: int) -> tuple[int, int] | None:
        """The inclusive (first, last) byte positions in an object of `size` bytes, or None when
        no byte of it is in the range (416)."""
        if self.first is None:
            suffix = self.suffix or 0
            return (max(0, size - suffix), size - 1) if suffix > 0 and size > 0 else None
        if self.first >= size:
            return None
        return self.first, size - 1 if self.last is None else min(self.last, size - 1)


def parse_range(header: str | None) -> ByteRange | None:
    """The one byte range a Range header asks for; None when there is none to honour (absent,
    another unit, several ranges). Raises RangeNotSatisfiable when it names bytes but is malformed."""
    if header is None:
        return None
    unit, equals, spec = header.strip().partition("=")
    if not equals or _RANGE_UNIT.fullmatch(unit.strip()) is None:
        raise RangeNotSatisfiable("expected a Range header like bytes=0-99, bytes=100- or bytes=-500")
    if unit.strip().lower() != "bytes":
        return None
    parts = [part.strip() for part in spec.split(",")]
    if len(parts) > 1:
        return None
    match = _RANGE_SPEC.fullmatch(parts[0])
    if match is None or match.group(1) == match.group(2) == "":
        raise RangeNotSatisfiable(f"not a byte range: {spec[:40]!r}")
    first, last = match.group(1), match.group(2)
    if first == "":
        return ByteRange(None, suffix=int(last))
    if last and int(last) < int(first):
        raise RangeNotSatisfiable(f"the range ends before it starts: {spec[:40]!r}")
    return ByteRange(int(first), int(last) if last else None)


def content_range(first: int, last: int, size: int) -> str:
    return f"bytes {first}-{last}/{size}"


def unsatisfied_range(size: int) -> str:
    return f"bytes */{size}"


def parse_content_range(value: str | None) -> tuple[int, int, int] | None:
    """(first, last, size) of a `bytes first-last/size` Content-Range, None if it is not one."""
    match = _CONTENT_RANGE.fullmatch((value or "").strip())
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


def entity_tag(object_etag: str, file_id: str, size: int) -> str:
    """The ETag of a media file: the bucket's own (quoted, a content hash), or the file id and
    size when the bucket gave none (objects are written once under unique keys)."""
    if _QUOTED_TAG.fullmatch(object_etag or ""):
        return object_etag
    return f'"{file_id}-{size}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 If-None-Match: `*`, or any listed tag equal to `etag` by weak comparison."""
    if not if_none_match or not etag:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = _opaque_tag(etag)
    return any(_opaque_tag(tag) == wanted for tag in if_none_match.split(","))


def _opaque_tag(tag: str) -> str:
    stripped = tag.strip()
    return stripped[2:] if stripped.startswith("W/") else stripped
