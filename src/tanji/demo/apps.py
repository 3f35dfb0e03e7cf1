"""Django app configuration of :mod:`tanji.demo` (no models; a management command)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data builder."""

    name = "tanji.demo"
    label = "demo"
    verbose_name = _("Demo data")
