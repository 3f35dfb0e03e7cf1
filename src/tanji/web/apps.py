"""The web project's app: where layer-5 wiring between sibling layer-4 packages happens.

``tanji.ingest`` and ``tanji.emissions`` are independent siblings (import-linter), so the one
line that makes the live engine hear about committed samples lives here, above both.
"""

from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    """Connects the ingest pipeline's post-commit listeners to the emission engine."""

    name = "tanji.web"
    label = "web"

    def ready(self) -> None:
        """Register the engine as an ingest listener and the lab-record log (idempotent)."""
        from tanji.evidence.records import record_platform_record
        from tanji.ingest import listeners
        from tanji.plant import trust_hook
        from tanji.web.wiring import emissions_listener

        listeners.register(emissions_listener)
        trust_hook.register_recorder(record_platform_record)  # lab results (ADR 0180)
