"""CO2 by continuous emission monitoring (CEMS): HJ 212-2017 App. D / HJ 75-2017.

``flue_gas`` holds the formulas and one minute, ``realtime`` the sample → minute means,
``hourly`` the minute → hour methods,
``substitution`` the missing-hour rules, ``periods`` the hour → day → month sums and
``corroboration`` the CEMS-versus-calculation check.
"""

from tanji.accounting.cems._checks import CemsInputError
from tanji.accounting.cems.corroboration import cems_deviation, corroboration_status
from tanji.accounting.cems.flue_gas import (
    CemsMinute,
    actual_wet_flow_m3,
    cems_minute,
    co2_mass_kg,
    co2_mg_per_m3,
    dry_concentration,
    flue_velocity_m_per_s,
    standard_dry_flow_m3,
)
from tanji.accounting.cems.hourly import (
    CemsHour,
    HourlyMeans,
    cems_hour,
    cems_hour_mass_sum,
    hourly_means,
)
from tanji.accounting.cems.periods import CemsPeriod, cems_days, cems_months, month_day_counts
from tanji.accounting.cems.realtime import MinuteMeans, minute_means
from tanji.accounting.cems.substitution import (
    SUBSTITUTED_FLAG,
    SubstitutedHours,
    SubstitutedSeries,
    substitute_cems_hours,
    substitute_conservative,
    substitute_hj75,
)

__all__ = [
    "SUBSTITUTED_FLAG",
    "CemsHour",
    "CemsInputError",
    "CemsMinute",
    "CemsPeriod",
    "HourlyMeans",
    "MinuteMeans",
    "SubstitutedHours",
    "SubstitutedSeries",
    "actual_wet_flow_m3",
    "cems_days",
    "cems_deviation",
    "cems_hour",
    "cems_hour_mass_sum",
    "cems_minute",
    "cems_months",
    "co2_mass_kg",
    "co2_mg_per_m3",
    "corroboration_status",
    "dry_concentration",
    "flue_velocity_m_per_s",
    "hourly_means",
    "minute_means",
    "month_day_counts",
    "standard_dry_flow_m3",
    "substitute_cems_hours",
    "substitute_conservative",
    "substitute_hj75",
]
