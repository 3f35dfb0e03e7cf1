"""PEM armour (RFC 7468) for the DER that suites produce, strict on the way in.

Only the two labels keys use are accepted; anything around the block, other labels or bad base64
are refused so that a mangled key file is an error, not a different key.
"""

from __future__ import annotations

import base64
import binascii
import textwrap

from tanji.trust.errors import KeyFormatError

PRIVATE_LABEL = "PRIVATE KEY"
PUBLIC_LABEL = "PUBLIC KEY"


def pem_encode(der: bytes, label: str) -> bytes:
    """Wrap DER in a PEM block with 64-character lines."""
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode("ascii"), 64))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n".encode("ascii")


def pem_decode(pem: bytes, label: str) -> bytes:
    """Return the DER inside a single PEM block labelled ``label``.

    Raises:
        KeyFormatError: ``trust.pem_malformed`` when the text is not exactly one such block.
    """
    try:
        text = pem.decode("ascii").strip()
    except UnicodeDecodeError:
        raise KeyFormatError(
            "trust.pem_malformed", "key PEM is not ASCII (expected a {label} block)", label=label
        ) from None
    begin, end = f"-----BEGIN {label}-----", f"-----END {label}-----"
    if not (text.startswith(begin) and text.endswith(end)):
        raise KeyFormatError(
            "trust.pem_malformed", "expected one PEM block labelled {label}", label=label
        )
    body = "".join(text[len(begin) : -len(end)].split())
    try:
        return base64.b64decode(body, validate=True)
    except binascii.Error:
        raise KeyFormatError(
            "trust.pem_malformed", "the {label} PEM body is not valid base64", label=label
        ) from None
