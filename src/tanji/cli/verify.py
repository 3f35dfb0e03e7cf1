"""``tanji verify BUNDLE``: check an evidence bundle offline and print each check and a verdict.

Runs without Django, a database or the network: :mod:`tanji.trust` checks the proofs and
:func:`tanji.evidence.figures.recompute_figure` (the accounting core, no Django) recomputes the
bundle's figure from the verified readings unless ``--no-recompute``. Exit status: 0 verified,
1 a check failed, 2 the bundle cannot be read, 3 partially verified (some checks skipped — e.g.
no trusted log or witness key given, a figure read from unsigned lab records, recomputation
turned off or impossible with this release).

What it trusts: the log key(s) given with ``--log-key`` and the witness key(s) given with
``--witness-key``, and the factor library shipped with this release. Keys the bundle brings are
used to check its consistency but reported as not pinned (ADR 0182).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from tanji.evidence.figures import check_factors, recompute_figure
from tanji.trust.bundle import Check, verdict, verify_bundle
from tanji.trust.bundle_document import decode_bundle
from tanji.trust.errors import TrustError
from tanji.trust.note import NoteVerifier, parse_verifier_key

EXIT_STATUS = {"verified": 0, "failed": 1, "partially verified": 3}
_MARK = {"pass": "PASS", "fail": "FAIL", "skip": "SKIP"}


def register(subparsers: Any) -> None:
    """Add ``tanji verify``."""
    parser = subparsers.add_parser(
        "verify",
        help="verify an evidence bundle offline",
        description=(
            "Check an evidence bundle offline (no platform, database or network) and print "
            "each check and a verdict. Exit status: 0 verified, 1 a check failed, 2 the bundle "
            "cannot be read, 3 partially verified (some checks skipped)."
        ),
    )
    parser.add_argument("bundle", type=Path, help="bundle file (.json or .zip)")
    parser.add_argument(
        "--log-key",
        action="append",
        default=[],
        metavar="VKEY",
        help="trusted log verifier key (name+keyid+base64), repeatable",
    )
    parser.add_argument(
        "--witness-key",
        action="append",
        default=[],
        metavar="VKEY",
        help=(
            "trusted witness verifier key, repeatable (default: the witnesses the bundle names,"
            " reported as not pinned)"
        ),
    )
    parser.add_argument(
        "--no-recompute",
        action="store_true",
        help="do not recompute the bundle's figure (the check is then reported as skipped)",
    )
    parser.add_argument("--json", action="store_true", help="print the checks as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Read, verify, print; return the exit status documented in the module docstring."""
    try:
        bundle = decode_bundle(args.bundle.read_bytes())
        logs = _verifiers(args.log_key)
        witnesses = _verifiers(args.witness_key)
    except OSError as exc:
        return _unreadable(args, {"code": "trust.bundle_unreadable", "message": str(exc)})
    except TrustError as exc:
        return _unreadable(args, exc.as_dict())
    checks = verify_bundle(
        bundle,
        trusted_logs=logs,
        trusted_witnesses=witnesses,
        recompute=None if args.no_recompute else recompute_figure,
        check_factors=None if args.no_recompute else check_factors,
    )
    outcome = verdict(checks)
    if args.json:
        print(json.dumps({"verdict": outcome, "checks": [_as_dict(c) for c in checks]}, indent=1))
    else:
        for check in checks:
            print(f"{_MARK[check.status]}  {check.name:<22} {check.subject:<24} {check.detail}")
        print(f"verdict: {outcome}")
    return EXIT_STATUS[outcome]


def _verifiers(keys: list[str]) -> list[NoteVerifier]:
    return [parse_verifier_key(k) for k in keys]


def _unreadable(args: argparse.Namespace, error: dict[str, Any]) -> int:
    if args.json:
        print(json.dumps({"verdict": "unreadable", "error": error}, indent=1))
    else:
        print(f"error: {error['message']}")
    return 2


def _as_dict(check: Check) -> dict[str, str]:
    return {
        "name": check.name,
        "subject": check.subject,
        "status": check.status,
        "detail": check.detail,
    }
