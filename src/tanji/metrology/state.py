"""Calibration state of an instrument at an instant, from its plan and latest certificate.

Pure over model rows already loaded (no queries here), so the tag-status query can evaluate many
instruments from two prefetches. R7.2.2: from the due date on — or after a failed certificate,
or while the instrument is in maintenance — the data the instrument feeds is marked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tanji.metrology.choices import (
    CertificateResultChoices,
    InstrumentStatusChoices,
    TagStateChoices,
)
from tanji.metrology.models import CalibrationPlan, Certificate, Instrument, InstrumentEvent

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


def status_at(instrument: Instrument, events: Sequence[InstrumentEvent], at: date) -> str:
    """The service status at ``at``, replayed from the status history (``set_instrument_status``).

    The last change on or before ``at`` gives its ``after``; before the first change, its
    ``before``; without changes, the current status. A retired instrument was in use until its
    retirement date unless the history says otherwise.
    """
    changes = sorted((e for e in events if e.kind == "status"), key=lambda e: (e.on, e.pk))
    past = [e for e in changes if e.on <= at]
    if past:
        status = str(past[-1].detail.get("after", instrument.status))
    elif changes:
        status = str(changes[0].detail.get("before", instrument.status))
    else:
        status = instrument.status
    if instrument.retired_on is not None and instrument.retired_on <= at:
        return str(InstrumentStatusChoices.RETIRED)
    return str(InstrumentStatusChoices.IN_USE) if status == "retired" else status


def feeds_data(instrument: Instrument, at: date, events: Sequence[InstrumentEvent] = ()) -> bool:
    """Whether the instrument was fitted (installed, not spare, not retired) at ``at``."""
    if instrument.installed_on > at:
        return False
    return status_at(instrument, events, at) not in (
        InstrumentStatusChoices.SPARE,
        InstrumentStatusChoices.RETIRED,
    )


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
    events: Sequence[InstrumentEvent] = (),
) -> InstrumentState:
    """The state at ``at``; no plan and no certificate counts as overdue (nothing backs it)."""
    certificate = latest_certificate(certificates, at)
    due = due_date(plan, certificate)
    if status_at(instrument, events, at) == InstrumentStatusChoices.MAINTENANCE:
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
