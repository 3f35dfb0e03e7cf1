"""WSGI entry point for production servers.

A server process also starts the post-commit worker, so the live emission engine recomputes in
the background instead of before each batch's answer (ADR 0150).
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanji.web.settings")
application = get_wsgi_application()

from tanji.ingest.dispatch import start_worker  # noqa: E402 - needs the settings above

start_worker(take_over=True)  # first what a stopped process left undelivered (ADR 0235)
