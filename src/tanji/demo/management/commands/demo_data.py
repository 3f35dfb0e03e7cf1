"""``tanji manage demo_data``: build the demo data set and print the demo logins.

Passwords are generated for accounts created by this run and shown once; they are demo-only
credentials. Re-running creates nothing new and reports existing accounts as unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tanji.demo.builder import build_demo


class Command(BaseCommand):
    """Build (or complete) the demo province, enterprises, plants and users."""

    help = "Build the demo data set (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the builder and print one line per login."""
        summary = build_demo()
        self.stdout.write(f"demo data: {summary.created} objects created")
        self.stdout.write("DEMO-ONLY LOGINS (passwords shown once, for accounts created now):")
        for login in summary.logins:
            password = login.password or "(unchanged)"
            self.stdout.write(
                f"  {login.username:<22} {login.role:<20} {login.scope:<16} {password}"
            )
