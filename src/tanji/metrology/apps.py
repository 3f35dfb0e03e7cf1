"""Django app configuration of :mod:`tanji.metrology`."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetrologyConfig(AppConfig):
    """Instruments and (later) their calibration, personnel and reviews."""

    name = "tanji.metrology"
    label = "metrology"
    verbose_name = _("Metrology")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Put uploaded documents' hashes into the transparency log (R4.2.2, R7.3)."""
        from tanji.evidence.documents import record_document
        from tanji.metrology import trust_hook

        trust_hook.register_recorder(record_document)
