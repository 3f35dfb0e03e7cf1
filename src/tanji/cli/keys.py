"""``tanji keys new --out FILE``: make a personal signing key pair on the user's own machine.

The private key (PKCS#8 PEM) is written to ``FILE`` readable by the owner only, refusing to
overwrite; the public key is printed as SubjectPublicKeyInfo PEM, exactly what the account page
and ``POST /api/v1/account/keys`` take (ADR 0231). Runs without Django or the network: the
private key never leaves the machine it was made on.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from tanji.trust.keys import generate_private_key
from tanji.trust.suites import DEFAULT_SUITE, SUITES


def register(subparsers: Any) -> None:
    """Add ``tanji keys``."""
    parser = subparsers.add_parser(
        "keys",
        help="make a personal signing key pair",
        description="Personal signing keys for lab results signed by the person who enters them.",
    )
    parser.set_defaults(handler=lambda _args: parser.print_help() or 2)
    sub = parser.add_subparsers(dest="keys_command", metavar="ACTION")
    new = sub.add_parser(
        "new",
        help="make a key pair: private key to FILE, public key (to register) to standard output",
    )
    new.add_argument("--out", type=Path, required=True, metavar="FILE", help="private key file")
    new.add_argument(
        "--suite",
        choices=sorted(SUITES),
        default=DEFAULT_SUITE,
        help=f"signature suite (default {DEFAULT_SUITE}; sm2-sm3 for GM/T 0003)",
    )
    new.set_defaults(handler=new_key)


def new_key(args: argparse.Namespace) -> int:
    """Write the private key (mode 600, never overwriting) and print the public key."""
    key = generate_private_key(args.suite)
    path: Path = args.out
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        print(f"tanji keys new: cannot create {path}: {exc.strerror}", file=sys.stderr)
        return 2
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key.to_pem())
    public = key.public_key()
    print(f"# suite {public.suite}, key id {public.key_id}", file=sys.stderr)
    print(
        f"# register this public key on your account page (签名密钥); keep {path} secret",
        file=sys.stderr,
    )
    sys.stdout.write(public.to_pem().decode("ascii"))
    return 0
