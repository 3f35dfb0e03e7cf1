"""Template context every page gets: the three-layer navigation, the demo's back-fill progress."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.http import HttpRequest

from tanji.web import demostatus
from tanji.web.navigation import resolved_layers


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Add ``nav_layers`` for ``base.html``."""
    return {"nav_layers": resolved_layers()}


def demo_progress(request: HttpRequest) -> dict[str, Any]:
    """Add ``demo_progress`` (demo mode only) while the background back-fill runs."""
    settings = django_settings.TANJI
    if not settings.demo:
        return {}
    progress = demostatus.read(settings.data_dir)
    return {"demo_progress": progress if progress and progress.running else None}
