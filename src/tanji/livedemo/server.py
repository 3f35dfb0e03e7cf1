"""The web app in-process: a threaded WSGI server with the static files, no auto-reloader.

Django's own ``ThreadedWSGIServer`` (what ``runserver`` uses, minus the reloader that would fork
a second process and re-run the back-fill) serves the app, wrapped in ``StaticFilesHandler`` so
the demo serves the packaged static files without a collection step or a front proxy (ADR 0131).
"""

from __future__ import annotations

import threading
from typing import Any

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application


class QuietHandler(WSGIRequestHandler):
    """Request handler that logs only errors (the demo's terminal shows progress, not hits)."""

    def log_message(self, format: str, *args: Any) -> None:
        """Drop access-log lines of successful requests."""
        if len(args) > 1 and str(args[1]).startswith(("4", "5")):
            super().log_message(format, *args)


class DemoServer:
    """The web app on ``host:port`` in a background thread (``port`` 0 picks a free one)."""

    def __init__(self, host: str, port: int) -> None:
        self.httpd = ThreadedWSGIServer((host, port), QuietHandler, ipv6=":" in host)
        self.httpd.set_app(StaticFilesHandler(get_wsgi_application()))
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="demo-web")

    @property
    def url(self) -> str:
        """The base URL the server answers on."""
        host, port = (str(part) for part in self.httpd.server_address[:2])
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def start(self) -> None:
        """Start serving in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting requests and close the socket."""
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)
