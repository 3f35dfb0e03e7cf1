"""Screening of uploaded documents (certificates, personnel files): PDF, PNG and JPEG only.

A file is accepted only when its name, its extension, its magic bytes and its structure agree,
so a renamed executable, a zip bomb, a polyglot or a path-traversal name is refused with a
stable reason before anything is stored. Pure Python (no Django), so the rules are testable as
data and reusable by the CLI.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from dataclasses import dataclass

from tanji.errors import CodedError

MAX_BYTES = 10 * 1024 * 1024
MAX_NAME = 200
MAX_PIXELS = 40_000_000
EXTENSIONS = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
MAGIC = {
    "application/pdf": b"%PDF-",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
}
#: Markers of another format or of active content, refused anywhere in the file.
FOREIGN_MARKERS = (
    b"PK\x03\x04",
    b"<script",
    b"<html",
    b"<?php",
    b"MZ\x90\x00",
    b"\x7fELF",
    b"<svg",
    b"Rar!\x1a\x07",
)
#: PDF names that run code or carry files (PDF 1.7 §12.6, §7.11.4).
PDF_ACTIVE = (
    b"/JavaScript",
    b"/JS",
    b"/Launch",
    b"/EmbeddedFile",
    b"/RichMedia",
    b"/XFA",
    b"/OpenAction",
    b"/AA",
)
SAFE_NAME = re.compile(r"^[\w\u4e00-\u9fff][\w\u4e00-\u9fff .()\-]*$")


class UploadRejected(CodedError):
    """An upload refused; ``params['reason']`` says why (stable, testable)."""


@dataclass(frozen=True)
class Accepted:
    """What the screening established about an accepted file."""

    filename: str
    content_type: str
    size: int
    sha256: str


def _reject(reason: str, detail: str, filename: str) -> UploadRejected:
    return UploadRejected(
        "metrology.upload_rejected",
        "{filename}: {detail}",
        reason=reason,
        detail=detail,
        filename=filename[:80],
    )


def screen(filename: str, content: bytes) -> Accepted:
    """Accept ``content`` under ``filename`` or raise :class:`UploadRejected` with a reason."""
    content_type = _check_name(filename)
    if not content:
        raise _reject("empty", "the file is empty", filename)
    if len(content) > MAX_BYTES:
        raise _reject("too_large", f"larger than {MAX_BYTES} bytes", filename)
    if not content.startswith(MAGIC[content_type]):
        raise _reject("type_mismatch", f"content is not {content_type}", filename)
    lowered = content.lower()
    for marker in FOREIGN_MARKERS:
        if marker.lower() in lowered[len(MAGIC[content_type]) :]:
            raise _reject("polyglot", f"contains {marker!r}", filename)
    STRUCTURE[content_type](content, filename)
    return Accepted(filename, content_type, len(content), hashlib.sha256(content).hexdigest())


def _check_name(filename: str) -> str:
    if not filename or len(filename) > MAX_NAME:
        raise _reject("bad_name", f"a name of 1–{MAX_NAME} characters is required", filename)
    if "\x00" in filename or any(ord(c) < 32 for c in filename):
        raise _reject("bad_name", "control characters in the name", filename)
    if "/" in filename or "\\" in filename or ".." in filename:
        raise _reject("traversal", "path separators or '..' in the name", filename)
    if not SAFE_NAME.match(filename):
        raise _reject("bad_name", "only letters, digits, spaces and . ( ) - _ allowed", filename)
    parts = filename.lower().split(".")
    extension = f".{parts[-1]}" if len(parts) > 1 else ""
    if extension not in EXTENSIONS:
        raise _reject("extension", "expected .pdf, .png, .jpg or .jpeg", filename)
    if len(parts) > 2 and any(len(p) <= 4 and p.isalpha() for p in parts[1:-1]):
        raise _reject("double_extension", "more than one extension", filename)
    return EXTENSIONS[extension]


def _check_pdf(content: bytes, filename: str) -> None:
    if b"%%EOF" not in content[-1024:]:
        raise _reject(
            "structure", "PDF without %%EOF trailer (truncated or appended data)", filename
        )
    for name in PDF_ACTIVE:
        if re.search(re.escape(name) + rb"(?![A-Za-z])", content):
            raise _reject("active_content", f"PDF with {name.decode()}", filename)


def _png_raw_size(header: bytes) -> int:
    """Bytes the image data must inflate to (PNG spec §7: one filter byte per scanline)."""
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(colour, 4)
    return int(height * (1 + (width * channels * depth + 7) // 8))


def _check_png(content: bytes, filename: str) -> None:
    offset, inflater, inflated, limit, seen_end = 8, zlib.decompressobj(), 0, 0, False
    while offset + 8 <= len(content):
        length, kind = struct.unpack(">I4s", content[offset : offset + 8])
        data = content[offset + 8 : offset + 8 + length]
        crc = content[offset + 8 + length : offset + 12 + length]
        if len(data) != length or len(crc) != 4 or zlib.crc32(kind + data) != int.from_bytes(crc):
            raise _reject("structure", f"PNG chunk {kind!r} is damaged", filename)
        if kind == b"IHDR":
            width, height = struct.unpack(">II", data[:8])
            if width * height > MAX_PIXELS:
                raise _reject("bomb", f"{width}×{height} pixels", filename)
            limit = _png_raw_size(data)
        elif kind == b"IDAT":
            inflated += len(inflater.decompress(data, limit + 1))
            if inflated > limit or inflater.unconsumed_tail:
                raise _reject("bomb", "image data inflates beyond its declared size", filename)
        offset += 12 + length
        if kind == b"IEND":
            seen_end = True
            break
    if not seen_end or offset != len(content):
        raise _reject("structure", "PNG without IEND or with trailing data", filename)


def _check_jpeg(content: bytes, filename: str) -> None:
    if not content.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise _reject("structure", "JPEG without end-of-image marker (appended data)", filename)
    for marker in (b"\xff\xc0", b"\xff\xc2"):
        at = content.find(marker)
        if at > 0 and at + 9 <= len(content):
            height, width = struct.unpack(">HH", content[at + 5 : at + 9])
            if width * height > MAX_PIXELS:
                raise _reject("bomb", f"{width}×{height} pixels", filename)


STRUCTURE = {"application/pdf": _check_pdf, "image/png": _check_png, "image/jpeg": _check_jpeg}
