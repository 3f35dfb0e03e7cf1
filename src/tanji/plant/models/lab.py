"""Laboratory analyses (化验) and their results, one row per parameter.

Parameters are rows (:class:`LabResult`) rather than columns so a new parameter is a choice, not a
migration, and each value carries its own unit and standard uncertainty (JJF 1059.1 input).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tanji.plant.choices import PARAMETER_UNITS, LabParameterChoices, MaterialChoices
from tanji.plant.models.base import EnterpriseOwned
from tanji.plant.models.structure import EmissionSource, ProductionLine
from tanji.tenancy.validation import field_error


class LabAnalysis(EnterpriseOwned):
    """One analysed sample: what, when sampled and analysed, by whom, to which standard."""

    line = models.ForeignKey(
        ProductionLine,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="lab_analyses",
        verbose_name=_("production line"),
    )
    source = models.ForeignKey(
        EmissionSource,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="lab_analyses",
        verbose_name=_("emission source"),
    )
    sample_id = models.CharField(_("sample id"), max_length=64)
    material = models.CharField(_("material"), max_length=32, choices=MaterialChoices.choices)
    sampled_at = models.DateTimeField(_("sampled at"))
    analysed_at = models.DateTimeField(_("analysed at"))
    method_standard = models.CharField(_("method standard"), max_length=64)
    analyst = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("analyst"),
    )
    instrument_code = models.CharField(
        _("instrument (ledger code)"),
        max_length=64,
        blank=True,
        help_text=_("Code of the lab instrument in the instrument ledger."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("lab analysis")
        verbose_name_plural = _("lab analyses")
        ordering = ["enterprise_id", "-sampled_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "sample_id"], name="sample_id_per_enterprise"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sample_id} ({self.get_material_display()})"

    def clean(self) -> None:
        """Parents of this enterprise; analysed no earlier than sampled."""
        self.check_same_enterprise(
            line=self.line if self.line_id else None,
            source=self.source if self.source_id else None,
        )
        if self.sampled_at and self.analysed_at and self.analysed_at < self.sampled_at:
            raise field_error("analysed_at", _("precedes the sampling time"), "before_sampling")


class LabResult(EnterpriseOwned):
    """One parameter of an analysis with its unit and standard uncertainty."""

    analysis = models.ForeignKey(
        LabAnalysis, models.CASCADE, related_name="results", verbose_name=_("analysis")
    )
    parameter = models.CharField(_("parameter"), max_length=32, choices=LabParameterChoices.choices)
    value = models.FloatField(_("value"))
    unit = models.CharField(_("unit"), max_length=16)
    standard_uncertainty = models.FloatField(
        _("standard uncertainty"),
        null=True,
        blank=True,
        help_text=_("Standard uncertainty u, in the unit of the value (JJF 1059.1)."),
    )
    method_standard = models.CharField(_("method standard"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("lab result")
        verbose_name_plural = _("lab results")
        ordering = ["analysis_id", "parameter"]
        constraints = [
            models.UniqueConstraint(
                fields=["analysis", "parameter"], name="one_result_per_parameter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.parameter} = {self.value} {self.unit}"

    def clean(self) -> None:
        """Unit admissible for the parameter; non-negative uncertainty; percentages in 0–100."""
        self.check_same_enterprise(analysis=self.analysis if self.analysis_id else None)
        units = PARAMETER_UNITS.get(self.parameter, ())
        if self.parameter in PARAMETER_UNITS and self.unit not in units:
            raise field_error(
                "unit", _("expected one of {units}").format(units=", ".join(units)), "unit_mismatch"
            )
        if self.standard_uncertainty is not None and self.standard_uncertainty < 0:
            raise field_error("standard_uncertainty", _("must not be negative"), "negative")
        if self.unit == "%" and self.value is not None and not 0 <= self.value <= 100:
            raise field_error("value", _("a percentage lies in 0–100"), "out_of_range")
