"""Tenant-scoped reads of the evidence app (operators see quarantine; devices by enterprise)."""

from __future__ import annotations

from django.db.models import QuerySet

from tanji.evidence.models import Device, QuarantineEntry, RawEnvelope, SignedEntry
from tanji.tenancy.actor import Actor
from tanji.tenancy.permissions import Action

__all__ = ["devices", "envelopes", "quarantined", "received", "user_signed_analyses"]


def devices(actor: Actor) -> QuerySet[Device]:
    """Devices of the enterprises the actor may see."""
    return Device.objects.filter(actor.enterprise_q("enterprise")).order_by("device_id")


def envelopes(actor: Actor) -> QuerySet[RawEnvelope]:
    """Raw envelopes the actor may export as evidence."""
    q = actor.enterprise_q("enterprise", Action.EXPORT_EVIDENCE, dated_by="received_at")
    return RawEnvelope.objects.filter(q).order_by("log_index")


def quarantined(actor: Actor) -> QuerySet[QuarantineEntry]:
    """Refused input: platform operators see all; enterprises see what named them."""
    if actor.is_platform:
        return QuarantineEntry.objects.order_by("-received_at")
    q = actor.enterprise_q("enterprise", Action.VIEW_AUDIT)
    return QuarantineEntry.objects.filter(q).order_by("-received_at")


def received(actor: Actor) -> QuerySet[RawEnvelope]:
    """Envelopes of the enterprises the actor may see (for intake counts, not their bytes)."""
    return RawEnvelope.objects.filter(actor.enterprise_q("enterprise"))


def user_signed_analyses(actor: Actor, analysis_ids: list[int]) -> set[int]:
    """Which of these lab analyses their author signed with their own key (ADR 0231)."""
    rows = SignedEntry.objects.filter(
        actor.enterprise_q("envelope__enterprise"), analysis_id__in=analysis_ids
    )
    return {pk for pk in rows.values_list("analysis_id", flat=True) if pk is not None}
