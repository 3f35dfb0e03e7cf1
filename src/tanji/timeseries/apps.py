"""Django application config of the time-series store."""

from __future__ import annotations

from django.apps import AppConfig


class TimeseriesConfig(AppConfig):
    """Samples and rollups keyed by the integer tag id (no foreign key: the hot path)."""

    name = "tanji.timeseries"
    label = "timeseries"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Empty the last-sample memos (ADR 0258) after every flush or migration.

        Those change samples on a connection without moving its data version.
        """
        from django.db.models.signals import post_migrate

        from tanji.timeseries.last_samples import clear_all

        post_migrate.connect(clear_all, dispatch_uid="timeseries-last-samples")
