"""Django application config of the time-series store."""

from __future__ import annotations

from django.apps import AppConfig


class TimeseriesConfig(AppConfig):
    """Samples and rollups keyed by the integer tag id (no foreign key: the hot path)."""

    name = "tanji.timeseries"
    label = "timeseries"
    default_auto_field = "django.db.models.BigAutoField"
