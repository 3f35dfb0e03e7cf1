"""Django admin of the evidence app: operators see devices, keys and quarantine, change nothing.

Evidence is append-only: envelopes, log nodes, checkpoints and quarantine entries are read-only
here (changes go through the services and the pipeline, never the back office).
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tanji.evidence.models import Device, QuarantineEntry, RawEnvelope, TerminalKey


class ReadOnlyAdmin(admin.ModelAdmin):
    """No add, change or delete from the back office."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Never."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Never."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Never."""
        return False


@admin.register(Device)
class DeviceAdmin(ReadOnlyAdmin):
    """Terminals and HJ 212 loggers with their last heartbeat."""

    list_display = ("device_id", "kind", "enterprise", "active", "last_heartbeat_at")
    exclude = ("password_digest",)


@admin.register(TerminalKey)
class TerminalKeyAdmin(ReadOnlyAdmin):
    """Enrolled keys, revoked and rotated ones included."""

    list_display = ("key_id", "device", "suite", "enrolled_at", "revoked_at")


@admin.register(RawEnvelope)
class RawEnvelopeAdmin(ReadOnlyAdmin):
    """Envelopes as received (bytes not shown in the list)."""

    list_display = ("log_index", "channel", "trust_level", "device", "seq", "received_at")
    exclude = ("body",)


@admin.register(QuarantineEntry)
class QuarantineEntryAdmin(ReadOnlyAdmin):
    """Refused input with its reason, for operators."""

    list_display = ("received_at", "reason", "channel", "device_id", "enterprise")
    list_filter = ("reason", "channel")
    exclude = ("body",)
