"""Upload screening: good PDF/PNG/JPEG pass; every hostile upload is refused with its reason."""

from __future__ import annotations

import hashlib
import struct
import zlib

import pytest

from tanji.metrology.uploads import MAX_BYTES, UploadRejected, screen
from tests.metrology.factories import MINIMAL_PDF


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 2, height: int = 2, idat: bytes | None = None, tail: bytes = b"") -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = idat if idat is not None else zlib.compress(b"\x00" * (width + 1) * height)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", raw)
        + _chunk(b"IEND", b"")
        + tail
    )


def jpeg(width: int = 8, height: int = 8, tail: bytes = b"") -> bytes:
    sof = b"\xff\xc0\x00\x11\x08" + struct.pack(">HH", height, width) + b"\x03" + b"\x00" * 9
    return (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + sof
        + (b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\x12\x34\xff\xd9" + tail)
    )


ZIP = b"PK\x03\x04" + b"\x14\x00" + b"\x00" * 24 + zlib.compress(b"\x00" * 1_000_000)
BOMB_IDAT = zlib.compress(b"\x00" * (8 * 1024 * 1024), 9)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("certificate.pdf", MINIMAL_PDF),
        ("scan.PNG", png()),
        ("photo.jpg", jpeg()),
        ("证书 2025-01.jpeg", jpeg()),
        ("cert.v2.pdf", MINIMAL_PDF),
    ],
)
def test_accepts_plain_documents(name: str, content: bytes) -> None:
    accepted = screen(name, content)
    assert accepted.sha256 == hashlib.sha256(content).hexdigest()
    assert accepted.size == len(content)


HOSTILE: list[tuple[str, str, bytes, str]] = [
    ("empty file", "cert.pdf", b"", "empty"),
    ("oversize", "cert.pdf", MINIMAL_PDF + b"%" * MAX_BYTES, "too_large"),
    ("executable renamed", "cert.pdf", b"MZ\x90\x00" + b"\x00" * 100, "type_mismatch"),
    ("zip bomb renamed", "cert.pdf", ZIP, "type_mismatch"),
    ("png named pdf", "cert.pdf", png(), "type_mismatch"),
    ("pdf named png", "cert.png", MINIMAL_PDF, "type_mismatch"),
    ("jpeg named png", "cert.png", jpeg(), "type_mismatch"),
    ("html named jpg", "cert.jpg", b"<html><script>alert(1)</script></html>", "type_mismatch"),
    ("svg", "cert.svg", b"<svg onload=alert(1)>", "extension"),
    ("exe extension", "cert.exe", MINIMAL_PDF, "extension"),
    ("no extension", "certificate", MINIMAL_PDF, "extension"),
    ("zip extension", "cert.zip", ZIP, "extension"),
    ("double extension", "cert.exe.pdf", MINIMAL_PDF, "double_extension"),
    ("double extension php", "shell.php.jpg", jpeg(), "double_extension"),
    ("traversal unix", "../../etc/passwd.pdf", MINIMAL_PDF, "traversal"),
    ("traversal windows", "..\\..\\boot.pdf", MINIMAL_PDF, "traversal"),
    ("absolute path", "/tmp/x.pdf", MINIMAL_PDF, "traversal"),
    ("dot dot inside", "a..pdf", MINIMAL_PDF, "traversal"),
    ("NUL byte in name", "cert.pdf\x00.exe", MINIMAL_PDF, "bad_name"),
    ("control character", "cert\n.pdf", MINIMAL_PDF, "bad_name"),
    ("hidden file", ".htaccess.pdf", MINIMAL_PDF, "bad_name"),
    ("empty name", "", MINIMAL_PDF, "bad_name"),
    ("overlong name", "a" * 300 + ".pdf", MINIMAL_PDF, "bad_name"),
    ("shell metacharacters", "cert;rm -rf.pdf", MINIMAL_PDF, "bad_name"),
    ("polyglot pdf+zip", "cert.pdf", MINIMAL_PDF[:-6] + ZIP + b"%%EOF\n", "polyglot"),
    ("polyglot pdf+html", "cert.pdf", MINIMAL_PDF[:-6] + b"<script>x</script>%%EOF\n", "polyglot"),
    ("polyglot png+zip", "cert.png", png(tail=ZIP), "polyglot"),
    ("polyglot jpeg+php", "cert.jpg", jpeg(tail=b"<?php system($_GET[1]); ?>"), "polyglot"),
    (
        "pdf with javascript",
        "cert.pdf",
        MINIMAL_PDF[:-6] + b"/JavaScript (x)\n%%EOF\n",
        "active_content",
    ),
    (
        "pdf with launch",
        "cert.pdf",
        MINIMAL_PDF[:-6] + b"/Launch /F (cmd)\n%%EOF\n",
        "active_content",
    ),
    (
        "pdf with embedded file",
        "cert.pdf",
        MINIMAL_PDF[:-6] + b"/EmbeddedFile 3 0 R\n%%EOF\n",
        "active_content",
    ),
    (
        "pdf with open action",
        "cert.pdf",
        MINIMAL_PDF[:-6] + b"/OpenAction 4 0 R\n%%EOF\n",
        "active_content",
    ),
    ("truncated pdf", "cert.pdf", MINIMAL_PDF[:-8], "structure"),
    ("pdf with appended data", "cert.pdf", MINIMAL_PDF + b"\x00" * 2048, "structure"),
    ("png with trailing data", "cert.png", png(tail=b"\x00" * 16), "structure"),
    ("png with bad crc", "cert.png", png()[:-1] + b"\x00", "structure"),
    ("png without IEND", "cert.png", png()[:-12], "structure"),
    (
        "png pixel bomb",
        "cert.png",
        png(width=100_000, height=100_000, idat=zlib.compress(b"\x00")),
        "bomb",
    ),
    ("png inflation bomb", "cert.png", png(width=64, height=64, idat=BOMB_IDAT), "bomb"),
    ("jpeg pixel bomb", "cert.jpg", jpeg(width=65000, height=65000), "bomb"),
    ("jpeg with appended data", "cert.jpg", jpeg(tail=b"\x01\x02\x03"), "structure"),
    ("elf named jpg", "cert.jpg", b"\x7fELF" + b"\x00" * 64, "type_mismatch"),
]


@pytest.mark.parametrize(
    ("case", "name", "content", "reason"), HOSTILE, ids=[h[0] for h in HOSTILE]
)
def test_refuses_hostile_upload_with_its_reason(
    case: str, name: str, content: bytes, reason: str
) -> None:
    with pytest.raises(UploadRejected) as caught:
        screen(name, content)
    assert caught.value.code == "metrology.upload_rejected"
    assert caught.value.params["reason"] == reason, case


def test_there_are_at_least_thirty_hostile_cases() -> None:
    assert len(HOSTILE) >= 30
    assert len({h[3] for h in HOSTILE}) >= 10
