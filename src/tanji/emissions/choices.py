"""Choice lists of the emission engine: methods, data-quality states, alert kinds and states.

Methods reuse :class:`tanji.accounting.boundaries.Method` values so figures and the pure core
speak one vocabulary. Quality states are ordered worst-last; a total takes its worst hour's.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MethodChoices(models.TextChoices):
    """Determination route of a figure (R5.1)."""

    CEMS = "cems", _("CEMS (direct measurement)")
    ACCOUNTING = "accounting", _("Accounting (scales, lab, factors)")
    MODEL = "model", _("Mathematical model")


class QualityChoices(models.TextChoices):
    """Data-quality state of a figure, best first."""

    COMPLETE = "complete", _("Complete")
    SUBSTITUTED = "substituted", _("Substituted")
    ESTIMATED = "estimated", _("Estimated")
    OVERDUE_INSTRUMENT = "overdue_instrument", _("Instrument out of calibration")
    UNSIGNED_SOURCE = "unsigned_source", _("Unsigned source")


#: Rank of each quality state; the worse state wins when figures combine.
QUALITY_RANK: dict[str, int] = {q.value: i for i, q in enumerate(QualityChoices)}


def worst_quality(states: list[str]) -> str:
    """The worst of several quality states (complete when there are none)."""
    return max(states, key=QUALITY_RANK.__getitem__, default=QualityChoices.COMPLETE.value)


class AlertKindChoices(models.TextChoices):
    """What an alert is about."""

    MISSING_DATA = "missing_data", _("Missing data beyond the allowed gap")
    INSTRUMENT_CALIBRATION = "instrument_calibration", _("Instrument out of calibration")
    OUT_OF_RANGE = "out_of_range", _("Value out of range")
    CEMS_DEVIATION = "cems_deviation", _("CEMS deviates from accounting")
    METER_STUCK = "meter_stuck", _("Meter reading stuck")
    METER_SPIKE = "meter_spike", _("Meter reading spikes")
    METER_DRIFT = "meter_drift", _("Meter drifts against its balance")
    COUNTER_BACKWARDS = "counter_backwards", _("Totaliser ran backwards")
    HEAT_BALANCE_DRIFT = "heat_balance_drift", _("Coal scale drifts against the heat balance")
    FORECAST_QUOTA = "forecast_quota", _("Year-end projection above the quota")
    FORECAST_INTENSITY = "forecast_intensity", _("Projected intensity above the target")


class AlertSeverityChoices(models.TextChoices):
    """How urgent an alert is (standards §7: warn at 5 %, investigate at 10 %)."""

    WARN = "warn", _("Warning")
    INVESTIGATE = "investigate", _("Investigate")


class AlertStateChoices(models.TextChoices):
    """Life cycle of an alert."""

    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")


class PeriodChoices(models.TextChoices):
    """Resolutions of stored totals."""

    DAY = "d", _("Day")
    MONTH = "m", _("Month")
