"""Template context every page gets: the three-layer navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tanji.web.navigation import resolved_layers


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Add ``nav_layers`` for ``base.html``."""
    return {"nav_layers": resolved_layers()}
