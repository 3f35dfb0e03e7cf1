"""Django app configuration of :mod:`tanji.evidence`."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    """Raw envelopes, the transparency log, checkpoints, terminal keys and quarantine."""

    name = "tanji.evidence"
    label = "evidence"
    verbose_name = _("Evidence")
    default_auto_field = "django.db.models.BigAutoField"
