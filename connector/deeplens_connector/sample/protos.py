"""Builders of real neonize 0.5.2 event protos, as the Go core sends them (proto2 `required`
fields filled: `complete`). Used to record the sample session; tests use their own."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from typing import Any

from neonize.proto import Neonize_pb2 as N
from neonize.proto.waCommon.WACommon_pb2 import MessageKey
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E


def jid(user: str, server: str = "s.whatsapp.net", device: int = 0) -> Any:
    return N.JID(User=user, Server=server, Device=device, RawAgent=0, Integrator=0, IsEmpty=False)


def no_jid() -> Any:
    return N.JID(User="", Server="", Device=0, RawAgent=0, Integrator=0, IsEmpty=True)


def source(chat: Any, sender: Any, *, from_me: bool = False) -> Any:
    return N.MessageSource(
        Chat=chat,
        Sender=sender,
        IsFromMe=from_me,
        IsGroup=chat.Server == "g.us",
        AddressingMode=N.AddressingMode.PN,
        SenderAlt=no_jid(),
        RecipientAlt=no_jid(),
        BroadcastListOwner=no_jid(),
    )


def message(msg_id: str, chat: Any, sender: Any, at_ms: int, content: Any, **options: Any) -> Any:
    """A MessageEv (`neonize.Message`); options: from_me, push_name, wa_type, media_type, edit, flags."""
    info = N.MessageInfo(
        MessageSource=source(chat, sender, from_me=options.get("from_me", False)),
        ID=msg_id,
        ServerID=0,
        Type=options.get("wa_type", "text"),
        Pushname=options.get("push_name", ""),
        Timestamp=at_ms,
        Category="",
        Multicast=False,
        MediaType=options.get("media_type", ""),
        Edit=options.get("edit", ""),
    )
    return N.Message(Info=info, Message=content, Raw=content, **options.get("flags", {}))


def key(chat: str, msg_id: str, *, from_me: bool = False, participant: str | None = None) -> Any:
    return MessageKey(remoteJID=chat, fromMe=from_me, ID=msg_id, participant=participant)


def media_fields(data: bytes, direct_path: str) -> dict[str, Any]:
    """What a media message carries; the recording keeps `data` (plain) under `direct_path`."""
    return {
        "fileSHA256": hashlib.sha256(data).digest(),
        "fileEncSHA256": hashlib.sha256(b"enc" + data).digest(),
        "fileLength": len(data),
        "directPath": direct_path,
        "mediaKey": hashlib.sha256(direct_path.encode()).digest(),
        "mediaKeyTimestamp": 1_764_000_000,
    }


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real, valid PNG: a colour gradient."""
    rows = b"".join(
        b"\x00"
        + b"".join(bytes((rgb[0], (rgb[1] + x * 3) % 256, (rgb[2] + y * 5) % 256)) for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg(size: int, rgb: tuple[int, int, int]) -> bytes:
    """A real JPEG (a profile picture): a disc of `rgb` on white, encoded by Pillow (neonize's)."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (size, size), (255, 255, 255))
    ImageDraw.Draw(picture).ellipse((size // 8, size // 8, size * 7 // 8, size * 7 // 8), fill=rgb)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue()


def pdf(line: str) -> bytes:
    """A real, minimal PDF: one page showing `line` (ASCII) in Helvetica, exact cross-reference table."""
    stream = f"BT /F1 16 Tf 24 64 Td ({line}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 320 144] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)
    return bytes(out)


def complete(proto: Any) -> Any:
    """Fill every missing proto2 `required` field with its zero value, recursively (as Go does)."""
    for field in proto.DESCRIPTOR.fields:
        if field.message_type is not None:
            if field.is_repeated:
                for sub in getattr(proto, field.name):
                    complete(sub)
            elif field.is_required or proto.HasField(field.name):
                sub = getattr(proto, field.name)
                sub.SetInParent()
                complete(sub)
        elif field.is_required and not proto.HasField(field.name):
            setattr(proto, field.name, field.default_value)
    return proto


def text(body: str) -> Any:
    return E2E.Message(conversation=body)
