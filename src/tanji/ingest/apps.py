"""Django application config of the ingest pipeline (its one table: the live backlog)."""

from __future__ import annotations

from django.apps import AppConfig


class IngestConfig(AppConfig):
    """The pipeline's state beyond the evidence: accepted data not yet in the live figures."""

    name = "tanji.ingest"
    label = "ingest"
    default_auto_field = "django.db.models.BigAutoField"
