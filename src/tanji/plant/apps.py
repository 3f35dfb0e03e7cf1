"""Django app configuration of :mod:`tanji.plant`."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlantConfig(AppConfig):
    """Sites, lines, emission sources, tags, diagrams and lab analyses."""

    name = "tanji.plant"
    label = "plant"
    verbose_name = _("Plant")
    default_auto_field = "django.db.models.BigAutoField"
