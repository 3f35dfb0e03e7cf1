"""Project-level views: the home page, the health probe, the demo's back-fill progress."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """Landing page: what the platform is and where its three layers lead."""
    return render(request, "web/home.html")


def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for monitoring (no data, no authentication)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok", "database": connection.vendor})


def demo_progress(request: HttpRequest) -> HttpResponse:
    """The demo's back-fill progress bar alone, polled by the bar itself (empty when done)."""
    return render(request, "web/demo_progress.html")
