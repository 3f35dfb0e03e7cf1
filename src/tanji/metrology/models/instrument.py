"""The instrument ledger: instruments, the metering points they fill, their history.

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
    EnergyKindChoices,
    InstrumentEventChoices,
    InstrumentStatusChoices,
    InstrumentTypeChoices,
    InstrumentUseChoices,
    MeteringLevelChoices,
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
    # Ledger fields GB 17167-2006 §5.2 asks for (台账内容).
    metering_level = models.CharField(
        _("metering level"),
        max_length=16,
        choices=MeteringLevelChoices.choices,
        default=MeteringLevelChoices.PROCESS,
    )
    energy_kind = models.CharField(
        _("energy/material kind"),
        max_length=24,
        choices=EnergyKindChoices.choices,
        default=EnergyKindChoices.MATERIAL,
    )
    use = models.CharField(
        _("use"), max_length=32, choices=InstrumentUseChoices.choices, default="process"
    )
    measured_medium = models.CharField(_("measured medium"), max_length=64, blank=True)
    required_class = models.CharField(
        _("required class (stricter in-house requirement)"),
        max_length=16,
        choices=AccuracyClassChoices.choices,
        blank=True,
        help_text=_("Leave empty to apply the GB 17167 class of the use."),
    )
    install_location = models.CharField(_("install location"), max_length=200, blank=True)
    commissioned_on = models.DateField(_("commissioned on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=InstrumentStatusChoices.choices,
        default=InstrumentStatusChoices.IN_USE,
    )
    point = models.ForeignKey(
        "metrology.MeteringPoint",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="instruments",
        verbose_name=_("metering point"),
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
        self.check_same_enterprise(
            location=self.location if self.location_id else None,
            point=self.point if self.point_id else None,
        )
        if None not in (self.range_min, self.range_max) and self.range_min >= self.range_max:
            raise field_error("range_max", _("must exceed the minimum"), "bad_range")
        if self.retired_on and self.installed_on and self.retired_on < self.installed_on:
            raise field_error("retired_on", _("precedes the installation date"), "before_install")


class MeteringPoint(EnterpriseOwned):
    """A metering point GB 17167 requires (配备率 denominator); instruments fill it.

    Required points are data of the enterprise (its energy-use hierarchy), not counted from
    the installed instruments, so a missing meter shows as a gap rather than disappearing.
    """

    code = models.CharField(_("code"), max_length=64)
    name_zh = models.CharField(_("name (Chinese)"), max_length=128)
    level = models.CharField(
        _("metering level"), max_length=16, choices=MeteringLevelChoices.choices
    )
    energy_kind = models.CharField(
        _("energy/material kind"), max_length=24, choices=EnergyKindChoices.choices
    )
    edge = models.ForeignKey(
        "plant.FlowEdge",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="metering_points",
        verbose_name=_("flow edge"),
    )

    class Meta:
        verbose_name = _("metering point")
        verbose_name_plural = _("metering points")
        ordering = ["enterprise_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "code"], name="point_code_per_enterprise")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    def clean(self) -> None:
        """The edge belongs to the same enterprise."""
        self.check_same_enterprise(edge=self.edge if self.edge_id else None)


class InstrumentEvent(EnterpriseOwned):
    """One entry of an instrument's history: installed, moved, replaced, status, retired."""

    instrument = models.ForeignKey(
        Instrument, models.CASCADE, related_name="events", verbose_name=_("instrument")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InstrumentEventChoices.choices)
    on = models.DateField(_("on"))
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("instrument event")
        verbose_name_plural = _("instrument events")
        ordering = ["instrument_id", "on", "id"]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.kind} {self.on}"
