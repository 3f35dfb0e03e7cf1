"""Quality-control records (R7.4.1): reference materials, CEMS RATA (HJ 75), cross-meter balance.

Each function computes the figure of merit from the raw comparison data (kept on the record, so
the verdict can be recomputed), compares it with its limit, and stores the record audited. The
person signing a record off needs a valid QC qualification on the day (:mod:`signing`).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from tanji.metrology import queries, signing
from tanji.metrology.choices import QCKindChoices, SigningScopeChoices
from tanji.metrology.models import QCRecord
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.permissions import Action
from tanji.tenancy.validation import InvalidInput
from tanji.tenancy.writes import save_new

__all__ = [
    "T_975",
    "en_number",
    "imbalance_pct",
    "record_cems_rata",
    "record_cross_meter_balance",
    "record_reference_material",
    "relative_accuracy_pct",
]

#: Two-sided 95 % Student t by degrees of freedom (HJ 75-2017 uses t0.95 with n − 1).
T_975 = {
    5: 2.571,
    6: 2.447,
    7: 2.365,
    8: 2.306,
    9: 2.262,
    10: 2.228,
    11: 2.201,
    12: 2.179,
    13: 2.160,
    14: 2.145,
    15: 2.131,
    16: 2.120,
    17: 2.110,
    18: 2.101,
    19: 2.093,
    20: 2.086,
}
MIN_PAIRS = 9


def en_number(measured: float, u_measured: float, certified: float, u_certified: float) -> float:
    """E_n = |x − X| / √(U_x² + U_X²) with expanded uncertainties (CNAS-GL02 / ISO 13528)."""
    denominator = math.hypot(u_measured, u_certified)
    if denominator <= 0:
        raise InvalidInput(
            "metrology.qc_input", "expanded uncertainties must not both be 0", field="u_measured"
        )
    return abs(measured - certified) / denominator


def relative_accuracy_pct(cems: Sequence[float], reference: Sequence[float]) -> float:
    """HJ 75-2017 RA = (|d̄| + |cc|) / RM̄ × 100 %, cc = t(n−1) · S_d / √n, n ≥ 9 pairs."""
    n = len(cems)
    if n != len(reference) or n < MIN_PAIRS or n - 1 not in T_975:
        raise InvalidInput(
            "metrology.qc_input",
            "expected {low}–21 paired values, got {n} CEMS and {m} reference",
            low=MIN_PAIRS,
            n=n,
            m=len(reference),
            field="pairs",
        )
    differences = [c - r for c, r in zip(cems, reference, strict=True)]
    mean_reference = statistics.fmean(reference)
    if mean_reference <= 0:
        raise InvalidInput(
            "metrology.qc_input", "reference mean must be positive", field="reference"
        )
    cc = T_975[n - 1] * statistics.stdev(differences) / math.sqrt(n)
    return (abs(statistics.fmean(differences)) + abs(cc)) / mean_reference * 100.0


def imbalance_pct(main: float, parts: Sequence[float]) -> float:
    """Cross-meter balance: (Σ sub-meters − main) / main × 100 % over the same period."""
    if main <= 0 or not parts:
        raise InvalidInput(
            "metrology.qc_input", "a positive main reading and sub-meters needed", field="main"
        )
    return (sum(parts) - main) / main * 100.0


def _save(actor: Actor, enterprise_id: int, instrument_id: int | None, **fields: Any) -> QCRecord:
    enterprise = tenancy_queries.enterprise(actor, enterprise_id)
    actor.require(Action.EDIT_INSTRUMENTS, enterprise)
    signing.require_signer(actor, enterprise, SigningScopeChoices.QC, timezone.localdate())
    instrument = None
    if instrument_id is not None:
        instrument = queries.instrument(actor, instrument_id)
        if instrument.enterprise_id != enterprise.pk:
            raise InvalidInput(
                "metrology.qc_input", "instrument of another enterprise", field="instrument"
            )
    return save_new(actor, QCRecord(enterprise=enterprise, instrument=instrument, **fields))


@transaction.atomic
def record_reference_material(
    actor: Actor,
    *,
    enterprise_id: int,
    performed_on: date,
    instrument_id: int | None,
    material: str,
    measured: float,
    u_measured: float,
    certified: float,
    u_certified: float,
) -> QCRecord:
    """A reference-material comparison; passes at E_n ≤ 1."""
    en = en_number(measured, u_measured, certified, u_certified)
    inputs = {
        "material": material,
        "measured": measured,
        "u_measured": u_measured,
        "certified": certified,
        "u_certified": u_certified,
    }
    return _save(
        actor,
        enterprise_id,
        instrument_id,
        kind=QCKindChoices.REFERENCE_MATERIAL,
        performed_on=performed_on,
        inputs=inputs,
        result_value=en,
        limit_value=1.0,
        passed=en <= 1.0,
        clause="CNAS-GL02 En ≤ 1",
    )


@transaction.atomic
def record_cems_rata(
    actor: Actor,
    *,
    enterprise_id: int,
    performed_on: date,
    instrument_id: int | None,
    cems: Sequence[float],
    reference: Sequence[float],
    limit_pct: float = 15.0,
) -> QCRecord:
    """A CEMS relative-accuracy test against the reference method (HJ 75-2017)."""
    ra = relative_accuracy_pct(cems, reference)
    return _save(
        actor,
        enterprise_id,
        instrument_id,
        kind=QCKindChoices.CEMS_RATA,
        performed_on=performed_on,
        inputs={"cems": list(cems), "reference": list(reference)},
        result_value=ra,
        limit_value=limit_pct,
        passed=ra <= limit_pct,
        clause="HJ 75-2017 RA",
    )


@transaction.atomic
def record_cross_meter_balance(
    actor: Actor,
    *,
    enterprise_id: int,
    performed_on: date,
    instrument_id: int | None,
    main: float,
    parts: Sequence[float],
    limit_pct: float = 2.0,
) -> QCRecord:
    """A main meter against the sum of its sub-meters; passes at |imbalance| ≤ limit."""
    delta = imbalance_pct(main, parts)
    return _save(
        actor,
        enterprise_id,
        instrument_id,
        kind=QCKindChoices.CROSS_METER,
        performed_on=performed_on,
        inputs={"main": main, "parts": list(parts)},
        result_value=delta,
        limit_value=limit_pct,
        passed=abs(delta) <= limit_pct,
        clause="cross-meter balance (in-house limit)",
    )
