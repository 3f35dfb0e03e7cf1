"""Django app configuration of the emission engine."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmissionsConfig(AppConfig):
    """Hourly emission figures, totals, model fits and alerts."""

    name = "tanji.emissions"
    label = "emissions"
    verbose_name = _("Emissions")
    default_auto_field = "django.db.models.BigAutoField"
