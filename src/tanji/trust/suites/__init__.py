"""The signature suites, by name. ``ed25519-sha256`` is the default (ADR 0030).

Every other module of ``tanji.trust`` reaches algorithms only through :func:`get_suite`, so adding
a suite (or an HSM-backed signer) touches this package alone.
"""

from __future__ import annotations

from tanji.trust.errors import KeyFormatError
from tanji.trust.suites.base import SignFunction, Suite, VerifyFunction
from tanji.trust.suites.ed25519 import Ed25519Suite
from tanji.trust.suites.sm2 import Sm2Suite

__all__ = [
    "DEFAULT_SUITE",
    "SUITES",
    "SignFunction",
    "Suite",
    "VerifyFunction",
    "get_suite",
]

DEFAULT_SUITE = "ed25519-sha256"
SUITES: dict[str, Suite] = {suite.name: suite for suite in (Ed25519Suite(), Sm2Suite())}


def get_suite(name: str) -> Suite:
    """The suite called ``name``.

    Raises:
        KeyFormatError: ``trust.unknown_suite`` naming the suites that exist.
    """
    try:
        return SUITES[name]
    except KeyError:
        raise KeyFormatError(
            "trust.unknown_suite",
            "unknown signature suite {suite!r}; expected one of {expected}",
            suite=name,
            expected=", ".join(sorted(SUITES)),
        ) from None
