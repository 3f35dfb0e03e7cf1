"""Site → ProductionLine (kiln) → EmissionSource → Tag: the uniform source/tag model (RN.1)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tanji.plant.choices import (
    QUANTITY_UNITS,
    SOURCE_KINDS,
    AccountingRoleChoices,
    AggregationChoices,
    ClinkerTypeChoices,
    QuantityKindChoices,
    SourceKindChoices,
)
from tanji.plant.models.base import EnterpriseOwned
from tanji.tenancy.validation import field_error

#: No single kiln line is larger than this; a bigger figure is a typing error (t/d).
MAX_LINE_CAPACITY_T_PER_D = 15000


class Site(EnterpriseOwned):
    """A plant site of an enterprise (one works with one or more kiln lines)."""

    code = models.CharField(_("code"), max_length=32)
    name_zh = models.CharField(_("name (Chinese)"), max_length=128)
    name_en = models.CharField(_("name (English)"), max_length=128, blank=True)
    address = models.CharField(_("address"), max_length=256, blank=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["enterprise_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "code"], name="site_code_per_enterprise")
        ]

    def __str__(self) -> str:
        return self.name_zh


class ProductionLine(EnterpriseOwned):
    """A clinker production line, i.e. one kiln with its preheater/calciner and cooler."""

    site = models.ForeignKey(Site, models.PROTECT, related_name="lines", verbose_name=_("site"))
    code = models.CharField(_("code"), max_length=32)
    name_zh = models.CharField(_("name (Chinese)"), max_length=128)
    name_en = models.CharField(_("name (English)"), max_length=128, blank=True)
    design_capacity_t_per_d = models.FloatField(_("design capacity (t/d clinker)"))
    clinker_type = models.CharField(
        _("clinker type"),
        max_length=32,
        choices=ClinkerTypeChoices.choices,
        default=ClinkerTypeChoices.PORTLAND,
    )
    commissioned_on = models.DateField(_("commissioned on"), null=True, blank=True)

    class Meta:
        verbose_name = _("production line")
        verbose_name_plural = _("production lines")
        ordering = ["enterprise_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "code"], name="line_code_per_enterprise")
        ]

    def __str__(self) -> str:
        return self.name_zh

    def clean(self) -> None:
        """Same enterprise as the site; a plausible capacity."""
        self.check_same_enterprise(site=self.site if self.site_id else None)
        if not 0 < self.design_capacity_t_per_d <= MAX_LINE_CAPACITY_T_PER_D:
            raise field_error(
                "design_capacity_t_per_d", _("expected 0 < capacity ≤ 15000 t/d"), "out_of_range"
            )


class EmissionSource(EnterpriseOwned):
    """One emission source of the accounting, in the clinker and/or enterprise boundary."""

    site = models.ForeignKey(Site, models.PROTECT, related_name="sources", verbose_name=_("site"))
    line = models.ForeignKey(
        ProductionLine,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="sources",
        verbose_name=_("production line"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=SourceKindChoices.choices)
    code = models.CharField(_("code"), max_length=32)
    name_zh = models.CharField(_("name (Chinese)"), max_length=128)
    name_en = models.CharField(_("name (English)"), max_length=128, blank=True)
    in_clinker_boundary = models.BooleanField(_("in the clinker-production boundary"))
    in_enterprise_boundary = models.BooleanField(_("in the enterprise boundary"))

    class Meta:
        verbose_name = _("emission source")
        verbose_name_plural = _("emission sources")
        ordering = ["enterprise_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "code"], name="source_code_per_enterprise"
            )
        ]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def category(self) -> str:
        """Emission category implied by the kind (fuel, process, electricity …)."""
        return SOURCE_KINDS[self.kind].category

    def clean(self) -> None:
        """Parents agree on the enterprise and site; line sources have a line; some boundary."""
        line = self.line if self.line_id else None
        self.check_same_enterprise(site=self.site if self.site_id else None, line=line)
        if line is not None and line.site_id != self.site_id:
            raise field_error("line", _("is on another site"), "other_site")
        kind = SOURCE_KINDS.get(self.kind)
        if kind is not None and kind.per_line and line is None:
            raise field_error("line", _("this kind of source belongs to a line"), "required")
        if not (self.in_clinker_boundary or self.in_enterprise_boundary):
            raise field_error(
                "in_enterprise_boundary",
                _("a source belongs to at least one boundary"),
                "no_boundary",
            )


class Tag(EnterpriseOwned):
    """A measured quantity: its unit, resolution, valid range and rollup behaviour.

    Time-series samples are keyed by the tag's integer primary key.
    """

    line = models.ForeignKey(
        ProductionLine,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="tags",
        verbose_name=_("production line"),
    )
    source = models.ForeignKey(
        EmissionSource,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="tags",
        verbose_name=_("emission source"),
    )
    code = models.CharField(_("code"), max_length=64)
    name_zh = models.CharField(_("name (Chinese)"), max_length=128)
    name_en = models.CharField(_("name (English)"), max_length=128, blank=True)
    quantity_kind = models.CharField(
        _("quantity kind"), max_length=32, choices=QuantityKindChoices.choices
    )
    unit = models.CharField(_("unit"), max_length=16)
    resolution = models.FloatField(_("resolution"))
    aggregation = models.CharField(
        _("aggregation"), max_length=32, choices=AggregationChoices.choices
    )
    rollover_max = models.FloatField(_("counter roll-over value"), null=True, blank=True)
    range_min = models.FloatField(_("valid range minimum"))
    range_max = models.FloatField(_("valid range maximum"))
    accounting_role = models.CharField(
        _("role in the accounting"), max_length=16, choices=AccountingRoleChoices.choices
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["enterprise_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "code"], name="tag_code_per_enterprise")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    def clean(self) -> None:
        """Parents, unit of the quantity kind, a proper range, counters with a roll-over."""
        line = self.line if self.line_id else None
        source = self.source if self.source_id else None
        self.check_same_enterprise(line=line, source=source)
        if source is not None and line is not None and source.line_id not in (None, line.pk):
            raise field_error("source", _("belongs to another line"), "other_line")
        units = QUANTITY_UNITS.get(self.quantity_kind, ())
        if self.quantity_kind in QUANTITY_UNITS and self.unit not in units:
            raise field_error(
                "unit", _("expected one of {units}").format(units=", ".join(units)), "unit_mismatch"
            )
        self._clean_numbers()

    def _clean_numbers(self) -> None:
        if self.resolution is not None and self.resolution <= 0:
            raise field_error("resolution", _("must be positive"), "not_positive")
        if None not in (self.range_min, self.range_max) and self.range_min >= self.range_max:
            raise field_error("range_max", _("must exceed the minimum"), "bad_range")
        counter = self.aggregation == AggregationChoices.TOTAL_INCREASING
        if counter and (self.rollover_max is None or self.rollover_max <= 0):
            raise field_error(
                "rollover_max", _("a counter needs a positive roll-over value"), "required"
            )
        if not counter and self.rollover_max is not None:
            raise field_error("rollover_max", _("only counters roll over"), "not_counter")
