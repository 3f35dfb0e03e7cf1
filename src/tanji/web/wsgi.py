"""WSGI entry point for production servers.

A server process also starts the post-commit worker, so the live emission engine recomputes in
the background instead of before each batch's answer (ADR 0150), and the roll-up folder, so
rollups are maintained after the answer (ADR 0220); then the start-up heap is frozen out of the
cyclic collector's walks (ADR 0252).
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanji.web.settings")
application = get_wsgi_application()

from tanji.ingest.dispatch import start_worker  # noqa: E402 - needs the settings above
from tanji.runtime import settle_heap  # noqa: E402
from tanji.timeseries.folder import start_folder  # noqa: E402

start_folder()  # rollups folded off the acknowledgement path (ADR 0220)
start_worker(take_over=True)  # first what a stopped process left undelivered (ADR 0235)
settle_heap()  # start-up done: its objects leave the collector's walks (ADR 0252)
