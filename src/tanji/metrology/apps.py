"""Django app configuration of :mod:`tanji.metrology`."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetrologyConfig(AppConfig):
    """Instruments and (later) their calibration, personnel and reviews."""

    name = "tanji.metrology"
    label = "metrology"
    verbose_name = _("Metrology")
    default_auto_field = "django.db.models.BigAutoField"
