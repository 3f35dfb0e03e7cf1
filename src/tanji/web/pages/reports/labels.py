"""Translated names of the accounting enums shown on the reports page."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tanji.accounting.boundaries import Boundary, Category, Method

CATEGORIES: dict[str, Promise] = {
    Category.FOSSIL_FUEL: _("Fossil-fuel combustion"),
    Category.ALTERNATIVE_FUEL: _("Alternative fuels (non-biogenic carbon)"),
    Category.PROCESS_CARBONATE: _("Carbonate decomposition"),
    Category.PROCESS_TOC: _("Non-fuel carbon in raw meal"),
    Category.ELECTRICITY: _("Net purchased electricity"),
    Category.HEAT: _("Net purchased heat"),
    Category.KILN_STACK: _("Kiln stack (CEMS, fuel and process together)"),
}
METHODS: dict[str, Promise] = {
    Method.CEMS: _("Direct measurement (CEMS)"),
    Method.ACCOUNTING: _("Accounting"),
    Method.MODEL: _("Model"),
    "cems_substituted": _("CEMS, substituted hours"),
}
BOUNDARIES: dict[str, Promise] = {
    Boundary.CLINKER: _("Clinker-production boundary"),
    Boundary.ENTERPRISE: _("Enterprise boundary"),
}


def label(table: dict[str, Promise], value: str) -> str:
    """The translated name, or the value itself for a member added later."""
    return str(table.get(value, value))
