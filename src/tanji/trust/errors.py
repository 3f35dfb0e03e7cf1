"""Errors of the trust package: each a :class:`~tanji.errors.CodedError` with a stable code.

Codes start with ``trust.``; the interfaces translate them. Verification failures are errors
(never a ``False`` buried in a tuple) so that a caller cannot forget to check them.
"""

from __future__ import annotations

from tanji.errors import CodedError


class TrustError(CodedError):
    """Base class of every error raised by ``tanji.trust``."""


class KeyFormatError(TrustError):
    """A key could not be generated, loaded or serialised (unknown suite, bad PEM …)."""


class SignatureError(TrustError):
    """A signature did not verify, or was made by an unknown, revoked or foreign key."""


class EnvelopeFormatError(TrustError):
    """A DSSE envelope is not in the exact documented JSON shape."""


class ProofError(TrustError):
    """A Merkle inclusion or consistency proof is malformed or does not verify."""


class CheckpointError(TrustError):
    """A checkpoint or signed note is malformed or its signatures do not verify."""


class EnrolmentError(TrustError):
    """An enrolment code is unknown, expired, already used or malformed."""


class BundleError(TrustError):
    """An evidence bundle is malformed (its checks are reported, not raised)."""
