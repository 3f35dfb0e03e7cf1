"""Tenant-scoped reads of the metrology app; every function starts from the actor."""

from __future__ import annotations

from django.db.models import QuerySet

from tanji.metrology.models import Instrument
from tanji.tenancy.actor import Actor
from tanji.tenancy.validation import get_visible

__all__ = ["instrument", "instruments", "instruments_for_tag"]


def instruments(actor: Actor, *, active_only: bool = False) -> QuerySet[Instrument]:
    """Instruments of the enterprises the actor sees (``active_only``: not retired)."""
    result = Instrument.objects.visible_to(actor).select_related("responsible", "location")
    return result.filter(retired_on__isnull=True) if active_only else result


def instrument(actor: Actor, instrument_id: int) -> Instrument:
    """One visible instrument."""
    return get_visible(instruments(actor), instrument_id, "instrument")  # type: ignore[no-any-return]


def instruments_for_tag(actor: Actor, tag_id: int) -> QuerySet[Instrument]:
    """Instruments that measure a visible tag."""
    return instruments(actor).filter(tags__id=tag_id)
