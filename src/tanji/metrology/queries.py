"""Tenant-scoped reads of the metrology app; every function starts from the actor.

The two functions other parts call are :func:`tag_metrology_status` (the emissions engine and
pages mark data whose instrument is overdue, failed or in maintenance) and
:func:`tag_standard_uncertainty` (a tag reading's standard uncertainty from its instrument).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet

from tanji.accounting.uncertainty.sources import u_from_accuracy_class, u_from_expanded
from tanji.metrology import state as calibration
from tanji.metrology.choices import CertificateResultChoices
from tanji.metrology.models import (
    CalibrationAlert,
    CalibrationBody,
    CalibrationPlan,
    Certificate,
    Instrument,
    InstrumentEvent,
    LedgerSnapshot,
    MeteringPoint,
    PersonnelDocument,
    QCRecord,
    ReferenceStandard,
    Review,
    ReviewerQualification,
    ReviewFinding,
)
from tanji.plant import queries as plant_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.validation import InvalidInput, get_visible

__all__ = [
    "calibration_alerts",
    "calibration_bodies",
    "calibration_plan",
    "calibration_plans",
    "calibrations_due",
    "certificate",
    "certificates",
    "instrument",
    "instrument_events",
    "instrument_states",
    "instruments",
    "instruments_for_tag",
    "ledger_snapshot",
    "ledger_snapshots",
    "metering_points",
    "personnel_document",
    "personnel_documents",
    "qc_record",
    "qc_records",
    "reference_standards",
    "review",
    "review_findings",
    "reviewer_qualification",
    "reviewer_qualifications",
    "reviews",
    "tag_metrology_status",
    "tag_standard_uncertainty",
]

#: Types whose accuracy class is a percentage of the span, not of the reading.
FULL_SCALE_TYPES = frozenset({"temperature", "pressure", "gas_flow_meter", "moisture"})


def instruments(actor: Actor, *, active_only: bool = False) -> QuerySet[Instrument]:
    """Instruments of the enterprises the actor sees (``active_only``: not retired)."""
    result = Instrument.objects.visible_to(actor).select_related("responsible", "location")
    return result.filter(retired_on__isnull=True) if active_only else result


def instrument(actor: Actor, instrument_id: int) -> Instrument:
    """One visible instrument."""
    return get_visible(instruments(actor), instrument_id, "instrument")  # type: ignore[no-any-return]


def instruments_for_tag(actor: Actor, tag_id: int) -> QuerySet[Instrument]:
    """Instruments that measure a visible tag."""
    return instruments(actor).filter(tags__id=tag_id)


def instrument_events(
    actor: Actor, *, instrument_id: int | None = None
) -> QuerySet[InstrumentEvent]:
    """Ledger history (installed, moved, replaced, status, retired)."""
    result = InstrumentEvent.objects.visible_to(actor)
    return result.filter(instrument_id=instrument_id) if instrument_id is not None else result


def metering_points(actor: Actor) -> QuerySet[MeteringPoint]:
    """Required metering points (GB 17167 provision-rate denominators)."""
    return MeteringPoint.objects.visible_to(actor)


def calibration_bodies(actor: Actor) -> QuerySet[CalibrationBody]:
    """Calibration bodies recorded by the visible enterprises."""
    return CalibrationBody.objects.visible_to(actor)


def reference_standards(actor: Actor) -> QuerySet[ReferenceStandard]:
    """Reference standards recorded by the visible enterprises."""
    return ReferenceStandard.objects.visible_to(actor).select_related("body", "traced_to")


def calibration_plans(actor: Actor) -> QuerySet[CalibrationPlan]:
    """Calibration plans of visible instruments."""
    return CalibrationPlan.objects.visible_to(actor).select_related("instrument")


def calibration_plan(actor: Actor, plan_id: int) -> CalibrationPlan:
    """One visible calibration plan."""
    return get_visible(calibration_plans(actor), plan_id, "calibration plan")  # type: ignore[no-any-return]


def certificates(actor: Actor, *, instrument_id: int | None = None) -> QuerySet[Certificate]:
    """Certificates, newest first (year-limited grants: calibrated in their year)."""
    result = Certificate.objects.visible_to(actor, dated_by="calibrated_on").select_related(
        "body", "standard", "instrument"
    )
    return result.filter(instrument_id=instrument_id) if instrument_id is not None else result


def certificate(actor: Actor, certificate_id: int) -> Certificate:
    """One visible certificate."""
    return get_visible(certificates(actor), certificate_id, "certificate")  # type: ignore[no-any-return]


def calibration_alerts(actor: Actor) -> QuerySet[CalibrationAlert]:
    """Alerts the reminder job raised."""
    return CalibrationAlert.objects.visible_to(actor).select_related("instrument")


def personnel_documents(
    actor: Actor, *, person_id: int | None = None
) -> QuerySet[PersonnelDocument]:
    """Personnel documents (appointments, training, exams, qualifications)."""
    result = PersonnelDocument.objects.visible_to(actor).select_related("person")
    return result.filter(person_id=person_id) if person_id is not None else result


def personnel_document(actor: Actor, document_id: int) -> PersonnelDocument:
    """One visible personnel document."""
    return get_visible(personnel_documents(actor), document_id, "personnel document")  # type: ignore[no-any-return]


def reviewer_qualifications(actor: Actor) -> QuerySet[ReviewerQualification]:
    """Reviewers' qualifications: all for the platform, otherwise the actor's own papers.

    They are province records of one person, not enterprise data (ADR 0191): nobody else's
    appear here, whatever the actor's enterprise or province grants.
    """
    result = ReviewerQualification.objects.select_related("province", "person")
    return result if actor.is_platform else result.filter(person_id=actor.user_id)


def reviewer_qualification(actor: Actor, qualification_id: int) -> ReviewerQualification:
    """One reviewer qualification the actor sees (its own, or any for the platform)."""
    return get_visible(  # type: ignore[no-any-return]
        reviewer_qualifications(actor), qualification_id, "reviewer qualification"
    )


def reviews(actor: Actor, *, state: str | None = None) -> QuerySet[Review]:
    """Metrology reviews of the visible enterprises."""
    result = Review.objects.visible_to(actor)
    return result.filter(state=state) if state is not None else result


def review(actor: Actor, review_id: int) -> Review:
    """One visible review."""
    return get_visible(reviews(actor), review_id, "review")  # type: ignore[no-any-return]


def review_findings(actor: Actor, *, review_id: int | None = None) -> QuerySet[ReviewFinding]:
    """Findings of visible reviews."""
    result = ReviewFinding.objects.visible_to(actor)
    return result.filter(review_id=review_id) if review_id is not None else result


def ledger_snapshots(actor: Actor) -> QuerySet[LedgerSnapshot]:
    """Year-end ledger snapshots."""
    return LedgerSnapshot.objects.visible_to(actor)


def ledger_snapshot(actor: Actor, snapshot_id: int) -> LedgerSnapshot:
    """One visible ledger snapshot."""
    return get_visible(ledger_snapshots(actor), snapshot_id, "ledger snapshot")  # type: ignore[no-any-return]


def qc_records(actor: Actor) -> QuerySet[QCRecord]:
    """Quality-control records."""
    return QCRecord.objects.visible_to(actor)


def qc_record(actor: Actor, record_id: int) -> QCRecord:
    """One visible QC record."""
    return get_visible(qc_records(actor), record_id, "QC record")  # type: ignore[no-any-return]


def instrument_states(
    actor: Actor, at: date, *, queryset: QuerySet[Instrument] | None = None
) -> list[calibration.InstrumentState]:
    """Calibration state of every visible instrument fitted at ``at`` (four queries)."""
    candidates = list(queryset if queryset is not None else instruments(actor))
    ids = [i.pk for i in candidates]
    events: dict[int, list[InstrumentEvent]] = defaultdict(list)
    for event in instrument_events(actor).filter(instrument_id__in=ids, kind="status"):
        events[event.instrument_id].append(event)
    rows = [i for i in candidates if calibration.feeds_data(i, at, events[i.pk])]
    plans = {
        p.instrument_id: p
        for p in CalibrationPlan.objects.visible_to(actor).filter(instrument_id__in=ids)
        if p.retired_on is None or p.retired_on > at
    }
    certs: dict[int, list[Certificate]] = defaultdict(list)
    for cert in Certificate.objects.visible_to(actor).filter(instrument_id__in=ids):
        certs[cert.instrument_id].append(cert)
    return [
        calibration.instrument_state(i, plans.get(i.pk), certs[i.pk], at, events[i.pk])
        for i in rows
    ]


@dataclass(frozen=True)
class DueItem:
    """An instrument due within the window, or overdue (negative days left)."""

    instrument_id: int
    code: str
    due_on: date | None
    days_left: int | None
    state: str


def calibrations_due(actor: Actor, at: date, within_days: int = 30) -> list[DueItem]:
    """Instruments overdue, failed or due within ``within_days`` of ``at`` (soonest first)."""
    if within_days < 0:
        raise InvalidInput(
            "metrology.bad_window", "within_days: expected ≥ 0, got {n}", n=within_days
        )
    horizon = at + timedelta(days=within_days)
    items = [
        DueItem(
            s.instrument_id, s.code, s.due_on, (s.due_on - at).days if s.due_on else None, s.state
        )
        for s in instrument_states(actor, at)
        if s.state != "ok" or (s.due_on is not None and s.due_on <= horizon)
    ]
    return sorted(items, key=lambda d: (d.days_left is not None, d.days_left or 0, d.code))


@dataclass(frozen=True)
class TagStatus:
    """Metrology status of one tag's data at an instant (worst of its instruments)."""

    tag_id: int
    state: str
    instruments: tuple[calibration.InstrumentState, ...]


def tag_metrology_status(actor: Actor, tag_ids: list[int], at: date) -> dict[int, TagStatus]:
    """Per visible tag: ``ok``, ``overdue``, ``failed``, ``maintenance`` or ``no_instrument``.

    Invisible or unknown tag ids are left out of the result rather than raising, so a bulk call
    from the emissions engine never reveals which ids exist elsewhere.
    """
    visible = list(plant_queries.tags(actor).filter(pk__in=tag_ids).values_list("pk", flat=True))
    linked = instruments(actor).filter(tags__id__in=visible).distinct()
    states = {s.instrument_id: s for s in instrument_states(actor, at, queryset=linked)}
    by_tag: dict[int, list[calibration.InstrumentState]] = defaultdict(list)
    for tag_id, instrument_id in Instrument.tags.through.objects.filter(
        tag_id__in=visible, instrument_id__in=list(states)
    ).values_list("tag_id", "instrument_id"):
        by_tag[tag_id].append(states[instrument_id])
    return {
        tag_id: TagStatus(
            tag_id, calibration.worst([s.state for s in by_tag[tag_id]]), tuple(by_tag[tag_id])
        )
        for tag_id in visible
    }


@dataclass(frozen=True)
class TagUncertainty:
    """A reading's standard uncertainty and what it rests on (certificate or class)."""

    u: float
    basis: str
    instrument_code: str
    certificate_no: str | None


def tag_standard_uncertainty(actor: Actor, tag_id: int, value: float, at: date) -> TagUncertainty:
    """Standard uncertainty of ``value`` read from ``tag_id`` at ``at`` (JJF 1059.1 4.3.3).

    From the latest passing certificate with U and k: u = U/k (relative U scaled by the value);
    else from the accuracy class as a rectangular half-width (GB 17167 classes are % of reading;
    for transmitters % of span).
    """
    tag = plant_queries.tag(actor, tag_id)  # NotFound for another tenant's tag
    fitted = [
        i
        for i in instruments_for_tag(actor, tag.pk).order_by("code")
        if calibration.feeds_data(
            i, at, list(instrument_events(actor, instrument_id=i.pk).filter(kind="status"))
        )
    ]
    for item in fitted:
        from_certificate = _from_certificate(actor, item, value, at)
        if from_certificate is not None:
            return from_certificate
    for item in fitted:
        pct = _class_pct(item.accuracy_class)
        if pct is not None:
            base = (
                item.range_max - item.range_min
                if item.instrument_type in FULL_SCALE_TYPES
                else value
            )
            return TagUncertainty(
                u_from_accuracy_class(base, pct), "accuracy_class", item.code, None
            )
    raise InvalidInput(
        "metrology.no_uncertainty_basis",
        "tag {tag}: no fitted instrument at {at} has a certificate U or an accuracy class",
        tag=tag_id,
        at=at.isoformat(),
    )


def _from_certificate(
    actor: Actor, item: Instrument, value: float, at: date
) -> TagUncertainty | None:
    cert = calibration.latest_certificate(list(certificates(actor, instrument_id=item.pk)), at)
    if cert is None or cert.result != CertificateResultChoices.PASS or cert.expanded_u is None:
        return None
    expanded = abs(value) * cert.expanded_u / 100 if cert.expanded_u_relative else cert.expanded_u
    u = u_from_expanded(expanded, cert.coverage_k or 2.0)
    return TagUncertainty(u, "certificate", item.code, cert.number)


def _class_pct(accuracy_class: str) -> float | None:
    try:
        return float(accuracy_class.rstrip("S"))
    except ValueError:
        return None
