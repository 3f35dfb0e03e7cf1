"""Calibration state of an instrument at an instant, from its plan and latest certificate.

Pure over model rows already loaded (no queries here), so the tag-status query can evaluate many
instruments from two prefetches. R7.2.2: from the due date on — or after a failed certificate,
or while the instrument is in maintenance — the data the instrument feeds is marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tanji.metrology.choices import (
    CertificateResultChoices,
    InstrumentStatusChoices,
    TagStateChoices,
)
from tanji.metrology.models import CalibrationPlan, Certificate, Instrument

#: Worst first: a tag fed by several instruments takes the worst of their states.
SEVERITY = (
    TagStateChoices.FAILED,
    TagStateChoices.OVERDUE,
    TagStateChoices.MAINTENANCE,
    TagStateChoices.OK,
)


@dataclass(frozen=True)
class InstrumentState:
    """Where one instrument stands at ``at``: state, due date, the certificate it rests on."""

    instrument_id: int
    code: str
    state: str
    due_on: date | None
    certificate_no: str | None


def feeds_data(instrument: Instrument, at: date) -> bool:
    """Whether the instrument was fitted (installed, not spare, not retired) at ``at``."""
    if instrument.installed_on > at or instrument.status in (
        InstrumentStatusChoices.SPARE,
        InstrumentStatusChoices.RETIRED,
    ):
        return False
    return instrument.retired_on is None or instrument.retired_on > at


def latest_certificate(certificates: list[Certificate], at: date) -> Certificate | None:
    """The certificate issued last on or before ``at`` (ties: the later entry)."""
    valid = [c for c in certificates if c.calibrated_on <= at]
    return max(valid, key=lambda c: (c.calibrated_on, c.pk), default=None)


def due_date(plan: CalibrationPlan | None, certificate: Certificate | None) -> date | None:
    """Next due date: the latest certificate's, else the plan's first one, else unknown."""
    if certificate is not None:
        return certificate.next_due_on
    return plan.first_due_on if plan is not None else None


def instrument_state(
    instrument: Instrument,
    plan: CalibrationPlan | None,
    certificates: list[Certificate],
    at: date,
) -> InstrumentState:
    """The state at ``at``; no plan and no certificate counts as overdue (nothing backs it)."""
    certificate = latest_certificate(certificates, at)
    due = due_date(plan, certificate)
    if instrument.status == InstrumentStatusChoices.MAINTENANCE:
        state = TagStateChoices.MAINTENANCE
    elif certificate is not None and certificate.result == CertificateResultChoices.FAIL:
        state = TagStateChoices.FAILED
    elif due is None or at >= due:
        state = TagStateChoices.OVERDUE
    else:
        state = TagStateChoices.OK
    number = certificate.number if certificate is not None else None
    return InstrumentState(instrument.pk, instrument.code, str(state), due, number)


def worst(states: list[str]) -> str:
    """The most severe state of a list (empty: no instrument)."""
    for candidate in SEVERITY:
        if candidate in states:
            return str(candidate)
    return str(TagStateChoices.NO_INSTRUMENT)
