"""``tanji lab submit FILE --key KEY --url URL --token TOKEN``: lab results signed by their author.

``FILE`` is a JSON lab record (``tanji-lab-signed/1`` members; ``format`` and ``nonce`` may be
left out and are filled in: a fresh random nonce each run). The record is made canonical, signed
with the person's own key as a DSSE envelope (payload type ``application/vnd.tanji.record+json``)
and posted to ``URL/api/v1/plant/lab-analyses/signed`` with the API token. The platform checks the
signature against the user's registered key and stores the envelope as sent (ADR 0231).

Exit status: 0 stored, 1 refused by the platform (its code and message are printed), 2 the file,
key or connection is unusable. Runs without Django; standard library HTTP only.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tanji.errors import CodedError
from tanji.protocols.records import SIGNED_LAB_FORMAT, canonical, parse_record
from tanji.trust.attestation import SIGNED_RECORD_TYPE
from tanji.trust.dsse import encode_envelope, sign_envelope
from tanji.trust.keys import PrivateKey, load_private_key_file

PATH = "/api/v1/plant/lab-analyses/signed"
DSSE_TYPE = "application/vnd.dsse.envelope.v1+json"


def register(subparsers: Any) -> None:
    """Add ``tanji lab``."""
    parser = subparsers.add_parser("lab", help="submit lab results signed with your own key")
    parser.set_defaults(handler=lambda _args: parser.print_help() or 2)
    sub = parser.add_subparsers(dest="lab_command", metavar="ACTION")
    submit = sub.add_parser("submit", help="sign a lab record with your key and submit it")
    submit.add_argument("file", type=Path, help="JSON lab record (tanji-lab-signed/1 members)")
    submit.add_argument("--key", type=Path, required=True, help="your private key file (mode 600)")
    submit.add_argument(
        "--url", required=True, help="platform base URL, e.g. https://tanji.example"
    )
    submit.add_argument("--token", required=True, help="your API token (tj_…)")
    submit.add_argument("--timeout", type=float, default=30.0, help="seconds (default 30)")
    submit.set_defaults(handler=submit_lab)


def signed_lab_envelope(document: dict[str, Any], key: PrivateKey) -> bytes:
    """The DSSE envelope of ``document`` made a canonical signed lab record.

    Raises:
        RecordFormatError: the document is not a valid ``tanji-lab-signed/1`` record.
    """
    record = {"format": SIGNED_LAB_FORMAT, "nonce": secrets.token_urlsafe(24)} | document
    payload = canonical(record)
    parse_record(payload)  # the platform's own checks, before anything is sent
    return encode_envelope(sign_envelope(SIGNED_RECORD_TYPE, payload, key))


def submit_lab(args: argparse.Namespace) -> int:
    """Sign ``args.file`` and post it; print the platform's answer."""
    try:
        document = json.loads(args.file.read_text(encoding="utf-8"))
        if not isinstance(document, dict):
            raise ValueError("the file must hold one JSON object")
        envelope = signed_lab_envelope(document, load_private_key_file(args.key))
    except CodedError as exc:
        print(f"tanji lab submit: {exc.code}: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"tanji lab submit: {exc}", file=sys.stderr)
        return 2
    request = urllib.request.Request(
        args.url.rstrip("/") + PATH,
        data=envelope,
        method="POST",
        headers={"Content-Type": DSSE_TYPE, "Authorization": f"Bearer {args.token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=args.timeout) as response:
            print(response.read().decode("utf-8"))
            return 0
    except urllib.error.HTTPError as exc:
        print(exc.read()[:2000].decode("utf-8", "replace"), file=sys.stderr)
        return 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"tanji lab submit: cannot reach {args.url}: {exc}", file=sys.stderr)
        return 2
