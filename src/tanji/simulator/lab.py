"""Lab analyses on their real schedules, each with its standard uncertainty.

* Coal, per delivery batch (every 48 h, reported 6 h after delivery): NCV (GB/T 213) and
  carbon as received (GB/T 476); the MEE guideline asks for NCV per batch and carbon at least
  monthly — analysing carbon per batch is the stricter practice.
* Clinker, per 8-hour shift (reported one hour after the shift): CaO and MgO (GB/T 176).
* Monthly composites (reported on the 3rd of the following month): raw-meal organic carbon,
  clinker non-carbonate CaO/MgO, and for MSW combustibles and cloth strips the NCV
  (GB/T 34615), carbon as received and the fossil share of carbon (¹⁴C, ISO 21644 style).

Standard uncertainties follow the worked GUM example (TV-09): NCV 1 %, carbon 2 %, CaO 0.20
and MgO 0.10 percentage points, non-carbonate CaO 0.15 / MgO 0.05 points, refuse carbon 5 %,
fossil share 10 % (cloth) and 15 % (MSW). Each reported value is the truth plus one draw of
that uncertainty, so the platform's uncertainty budget can be checked against the truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from tanji.simulator import quality
from tanji.simulator.frame import minute_time
from tanji.simulator.noise import FloatArray, IntArray, normal
from tanji.simulator.parameters import Fuel, LineParameters

COAL_REPORT_DELAY = 6 * 60
SHIFT_REPORT_DELAY = 60


@dataclass(frozen=True, slots=True)
class LabResult:
    """One analysed value.

    Attributes:
        sample_id: lab sample number.
        material: ``coal``, ``clinker``, ``raw_meal``, ``msw`` or ``cloth_strips``.
        analyte: ``ncv``, ``carbon``, ``cao``, ``mgo``, ``cao_non_carbonate``,
            ``mgo_non_carbonate``, ``toc`` or ``fossil_fraction``.
        value: reported value in ``unit``.
        unit: ``GJ/t`` or ``%`` (mass fraction, or share of carbon for the fossil fraction).
        standard_uncertainty: standard uncertainty u (k = 1) in ``unit``.
        period_start: start of the material period the sample represents.
        period_end: end (exclusive) of that period.
        reported_at: when the result was released.
        method: analysis standard.
    """

    sample_id: str
    material: str
    analyte: str
    value: float
    unit: str
    standard_uncertainty: float
    period_start: datetime
    period_end: datetime
    reported_at: datetime
    method: str


def _measured(seed: int, key: str, index: IntArray, truth: FloatArray, u: FloatArray) -> FloatArray:
    result: FloatArray = truth + u * normal(seed, "lab." + key, index)
    return result


def _coal(seed: int, p: LineParameters, m0: int, m1: int) -> list[LabResult]:
    first = -(-(m0 - COAL_REPORT_DELAY) // quality.COAL_BATCH_MINUTES)
    last = (m1 - 1 - COAL_REPORT_DELAY) // quality.COAL_BATCH_MINUTES
    batches = np.arange(first, last + 1, dtype=np.int64)
    ncv = quality.coal_ncv(seed, p, batches)
    carbon = 100.0 * quality.coal_carbon(seed, p, batches)
    rows = (
        ("ncv", "GJ/t", ncv, 0.01 * ncv, "GB/T 213"),
        ("carbon", "%", carbon, 0.02 * carbon, "GB/T 476"),
    )
    out = []
    for i, batch in enumerate(batches.tolist()):
        start = batch * quality.COAL_BATCH_MINUTES
        for analyte, unit, truth, u, method in rows:
            value = _measured(
                seed, "coal." + analyte, batches[i : i + 1], truth[i : i + 1], u[i : i + 1]
            )
            out.append(
                LabResult(
                    f"COAL-{batch}",
                    "coal",
                    analyte,
                    round(float(value[0]), 4),
                    unit,
                    round(float(u[i]), 4),
                    minute_time(start),
                    minute_time(start + quality.COAL_BATCH_MINUTES),
                    minute_time(start + COAL_REPORT_DELAY),
                    method,
                )
            )
    return out


def _clinker(seed: int, p: LineParameters, m0: int, m1: int) -> list[LabResult]:
    length = quality.SHIFT_MINUTES
    shifts = np.arange(
        -(-(m0 - length - SHIFT_REPORT_DELAY) // length),
        (m1 - 1 - length - SHIFT_REPORT_DELAY) // length + 1,
        dtype=np.int64,
    )
    out = []
    for analyte, truth, u in (
        ("cao", quality.clinker_cao(seed, p, shifts), 0.0020),
        ("mgo", quality.clinker_mgo(seed, p, shifts), 0.0010),
    ):
        measured = _measured(seed, "clinker." + analyte, shifts, truth, np.full(shifts.size, u))
        for shift, value in zip(shifts.tolist(), measured.tolist(), strict=True):
            start = shift * length
            out.append(
                LabResult(
                    f"CLK-{shift}",
                    "clinker",
                    analyte,
                    round(100 * value, 3),
                    "%",
                    100 * u,
                    minute_time(start),
                    minute_time(start + length),
                    minute_time(start + length + SHIFT_REPORT_DELAY),
                    "GB/T 176",
                )
            )
    return out


def _monthly_rows(
    seed: int, p: LineParameters, months: IntArray
) -> list[tuple[str, str, str, FloatArray, FloatArray, str]]:
    rows: list[tuple[str, str, str, FloatArray, FloatArray, str]] = []
    ones = np.ones(months.size)
    toc = 100 * quality.raw_meal_toc(seed, p, months)
    rows.append(("raw_meal", "toc", "%", toc, 0.10 * toc, "GB/T 176"))
    rows.append(
        (
            "clinker",
            "cao_non_carbonate",
            "%",
            100 * p.clinker_cao_non_carbonate * ones,
            0.15 * ones,
            "GB/T 176",
        )
    )
    rows.append(
        (
            "clinker",
            "mgo_non_carbonate",
            "%",
            100 * p.clinker_mgo_non_carbonate * ones,
            0.05 * ones,
            "GB/T 176",
        )
    )
    for fuel, u_fossil in ((p.msw, 0.15), (p.cloth_strips, 0.10)):
        rows.extend(_refuse_rows(seed, fuel, months, u_fossil))
    return rows


def _refuse_rows(
    seed: int, fuel: Fuel, months: IntArray, u_fossil: float
) -> list[tuple[str, str, str, FloatArray, FloatArray, str]]:
    ncv = fuel.ncv_gj_per_t * np.ones(months.size)
    carbon = 100 * quality.refuse_carbon(seed, fuel, months)
    fossil = 100 * quality.refuse_fossil(seed, fuel, months)
    return [
        (fuel.name, "ncv", "GJ/t", ncv, 0.02 * ncv, "GB/T 34615"),
        (fuel.name, "carbon", "%", carbon, 0.05 * carbon, "GB/T 34615"),
        (fuel.name, "fossil_fraction", "%", fossil, u_fossil * fossil, "ISO 21644"),
    ]


def _month_start(month: int) -> int:
    local = np.array([month], dtype="datetime64[M]").astype("datetime64[m]").astype(np.int64)
    return int(local[0]) - 8 * 60


def _monthly(seed: int, p: LineParameters, m0: int, m1: int) -> list[LabResult]:
    report_delay = 2 * 1440  # released on the 3rd, 00:00 local
    first = int(quality.month(np.array([m0 - report_delay], dtype=np.int64))[0])
    last = int(quality.month(np.array([m1 - 1], dtype=np.int64))[0])
    months = np.array(
        [m for m in range(first - 1, last + 1) if m0 <= _month_start(m + 1) + report_delay < m1],
        dtype=np.int64,
    )
    out = []
    for material, analyte, unit, truth, u, method in _monthly_rows(seed, p, months):
        measured = _measured(seed, f"{material}.{analyte}", months, truth, u)
        for i, m in enumerate(months.tolist()):
            start, end = _month_start(m), _month_start(m + 1)
            out.append(
                LabResult(
                    f"M-{material.upper()}-{m}",
                    material,
                    analyte,
                    round(float(measured[i]), 4),
                    unit,
                    round(float(u[i]), 4),
                    minute_time(start),
                    minute_time(end),
                    minute_time(end + report_delay),
                    method,
                )
            )
    return out


def lab_results(seed: int, p: LineParameters, m0: int, m1: int) -> list[LabResult]:
    """Every lab result released within epoch minutes ``[m0, m1)``, in release order."""
    results = _coal(seed, p, m0, m1) + _clinker(seed, p, m0, m1) + _monthly(seed, p, m0, m1)
    return sorted(results, key=lambda r: (r.reported_at, r.sample_id, r.analyte))
