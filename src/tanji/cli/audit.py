"""``tanji audit``: re-verify the stored log and samples against the latest checkpoint.

Exit status 0 when nothing diverges, 1 when something does (each finding printed with its
location), 2 when the audit cannot run (no platform key).
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``tanji audit``."""
    parser = subparsers.add_parser(
        "audit", help="re-verify the stored log, envelopes and samples (tamper detection)"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the audit in the configured database and print the findings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanji.web.settings")
    import django

    django.setup()
    from tanji.config import load_settings
    from tanji.errors import CodedError
    from tanji.evidence.signing import load_platform_key
    from tanji.ingest.audit import audit

    settings = load_settings()
    try:
        key = load_platform_key(settings)
    except CodedError as error:
        print(f"tanji audit: {error}")
        return 2
    findings = audit(key.public_key(), settings.log_origin)
    if args.json:
        print(json.dumps([f.__dict__ for f in findings], ensure_ascii=False, indent=1))
    else:
        for finding in findings:
            print(f"{finding.kind}\t{finding.location}\t{finding.detail}")
        print(f"tanji audit: {len(findings)} divergence(s)")
    return 1 if findings else 0
