"""The instrument ledger entry: one measuring instrument of an enterprise.

Instrument lives in metrology (layer 4a), above plant: it points down at the plant's tags and
diagram edges, and plant never imports metrology (ADR 0052).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tanji.metrology.choices import (
    AccuracyClassChoices,
    CalibrationStatusChoices,
    InstrumentTypeChoices,
)
from tanji.plant.models.base import EnterpriseOwned
from tanji.tenancy.validation import field_error


class Instrument(EnterpriseOwned):
    """A meter, scale or analyser: type, make, range, accuracy class, place, responsible person."""

    code = models.CharField(_("ledger code"), max_length=64)
    name_zh = models.CharField(_("name (Chinese)"), max_length=128)
    name_en = models.CharField(_("name (English)"), max_length=128, blank=True)
    instrument_type = models.CharField(
        _("type"), max_length=32, choices=InstrumentTypeChoices.choices
    )
    maker = models.CharField(_("maker"), max_length=128, blank=True)
    model = models.CharField(_("model"), max_length=128, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=128, blank=True)
    range_min = models.FloatField(_("range minimum"))
    range_max = models.FloatField(_("range maximum"))
    range_unit = models.CharField(_("range unit"), max_length=16)
    accuracy_class = models.CharField(
        _("accuracy class"), max_length=16, choices=AccuracyClassChoices.choices
    )
    location = models.ForeignKey(
        "plant.FlowEdge",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="instruments",
        verbose_name=_("location on the carbon-flow diagram"),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="instruments",
        verbose_name=_("responsible person"),
    )
    calibration_status = models.CharField(
        _("calibration status"),
        max_length=16,
        choices=CalibrationStatusChoices.choices,
        default=CalibrationStatusChoices.UNKNOWN,
    )
    installed_on = models.DateField(_("installed on"))
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    tags = models.ManyToManyField(
        "plant.Tag", blank=True, related_name="instruments", verbose_name=_("tags")
    )

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["enterprise_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "code"], name="instrument_code_per_enterprise"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    def clean(self) -> None:
        """Location of this enterprise; a proper range; retired after installed."""
        self.check_same_enterprise(location=self.location if self.location_id else None)
        if None not in (self.range_min, self.range_max) and self.range_min >= self.range_max:
            raise field_error("range_max", _("must exceed the minimum"), "bad_range")
        if self.retired_on and self.installed_on and self.retired_on < self.installed_on:
            raise field_error("retired_on", _("precedes the installation date"), "before_install")
