"""Stored results of the engine: hourly figures, day/month totals, model fits and alerts.

Figures are keyed by (enterprise, scope key, hour, method) where the scope key names a source
(``s<id>``) or a line's kiln stack (``k<line id>``); times are UTC epoch milliseconds like the
time-series store, so figures and samples line up without conversion (ADR 0121).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tanji.emissions.choices import (
    AlertKindChoices,
    AlertSeverityChoices,
    AlertStateChoices,
    MethodChoices,
    PeriodChoices,
    QualityChoices,
)
from tanji.plant.models.base import EnterpriseOwned

#: The columns of a figure besides its enterprise (the engine's inserts, the API's rows).
FIGURE_COLUMNS = (
    "line_id",
    "source_id",
    "key",
    "hour",
    "method",
    "counted",
    "category",
    "in_clinker",
    "in_enterprise",
    "co2_t",
    "biogenic_co2_t",
    "u_t",
    "quality",
    "factor_version",
)


class EmissionFigure(EnterpriseOwned):
    """CO2 of one source (or one kiln stack) in one hour by one method."""

    line = models.ForeignKey(
        "plant.ProductionLine", models.CASCADE, null=True, related_name="+", verbose_name=_("line")
    )
    source = models.ForeignKey(
        "plant.EmissionSource",
        models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("source"),
    )
    key = models.CharField(_("scope key"), max_length=24)
    hour = models.BigIntegerField(_("hour start (UTC epoch ms)"))
    method = models.CharField(_("method"), max_length=16, choices=MethodChoices.choices)
    counted = models.BooleanField(_("counted"), default=False)
    category = models.CharField(_("category"), max_length=32)
    in_clinker = models.BooleanField(_("in the clinker boundary"))
    in_enterprise = models.BooleanField(_("in the enterprise boundary"))
    co2_t = models.FloatField(_("CO2 (t)"))
    biogenic_co2_t = models.FloatField(_("biogenic CO2 (t)"), default=0.0)
    u_t = models.FloatField(_("expanded uncertainty U, k=2 (t)"))
    quality = models.CharField(_("data quality"), max_length=24, choices=QualityChoices.choices)
    factor_version = models.CharField(_("factor-library version"), max_length=32)

    class Meta:
        verbose_name = _("emission figure")
        verbose_name_plural = _("emission figures")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "key", "hour", "method"], name="figure_per_hour_method"
            )
        ]
        indexes = [models.Index(fields=["enterprise", "line", "hour"], name="figure_line_hour")]


class EmissionTotal(EnterpriseOwned):
    """Counted CO2 of a line (or of the site-level sources) in a day or month, per boundary."""

    line = models.ForeignKey(
        "plant.ProductionLine", models.CASCADE, null=True, related_name="+", verbose_name=_("line")
    )
    scope = models.CharField(_("scope key"), max_length=24)
    boundary = models.CharField(_("boundary"), max_length=16)
    period = models.CharField(_("period"), max_length=1, choices=PeriodChoices.choices)
    bucket = models.BigIntegerField(_("period start (UTC epoch ms)"))
    category = models.CharField(_("category"), max_length=32)
    co2_t = models.FloatField(_("CO2 (t)"))
    u_t = models.FloatField(_("expanded uncertainty U, k=2 (t)"))
    quality = models.CharField(_("data quality"), max_length=24, choices=QualityChoices.choices)
    hours = models.IntegerField(_("hours"))

    class Meta:
        verbose_name = _("emission total")
        verbose_name_plural = _("emission totals")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "scope", "boundary", "period", "bucket", "category"],
                name="total_per_bucket",
            )
        ]


class ModelFit(EnterpriseOwned):
    """The model method's regression for a line and calendar month (ADR 0122)."""

    line = models.ForeignKey(
        "plant.ProductionLine", models.CASCADE, related_name="+", verbose_name=_("line")
    )
    month = models.BigIntegerField(_("month start (UTC epoch ms)"))
    coefficients = models.JSONField(_("coefficients"))
    residual_sd_t = models.FloatField(_("residual standard deviation (t)"))
    hours = models.IntegerField(_("training hours"))

    class Meta:
        verbose_name = _("model fit")
        verbose_name_plural = _("model fits")
        constraints = [
            models.UniqueConstraint(fields=["line", "month"], name="model_fit_per_month")
        ]


class Alert(EnterpriseOwned):
    """A condition that needs attention, with its open → acknowledged → closed life cycle."""

    line = models.ForeignKey(
        "plant.ProductionLine", models.CASCADE, null=True, related_name="+", verbose_name=_("line")
    )
    tag = models.ForeignKey(
        "plant.Tag", models.CASCADE, null=True, related_name="+", verbose_name=_("tag")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=AlertKindChoices.choices)
    severity = models.CharField(_("severity"), max_length=16, choices=AlertSeverityChoices.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=AlertStateChoices.choices, default="open"
    )
    key = models.CharField(_("condition key"), max_length=64)
    first_hour = models.BigIntegerField(_("first hour (UTC epoch ms)"))
    last_hour = models.BigIntegerField(_("last hour (UTC epoch ms)"))
    value = models.FloatField(_("value"), null=True)
    detail = models.JSONField(_("detail"), default=dict)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True)
    closed_at = models.DateTimeField(_("closed at"), null=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [models.Index(fields=["enterprise", "state", "kind"], name="alert_state_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
