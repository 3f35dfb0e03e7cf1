"""Every metrology writer beyond the ledger services: audited, and blind to other tenants.

Registries name every public writer of calibration, personnel, reviews, ledger and qc (pure
helpers are listed apart), so a new writer cannot be added without both checks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from tanji.metrology import (
    calibration,
    compliance,
    ledger,
    personnel,
    plans,
    qc,
    reviews,
    signing,
    traceability,
)
from tanji.metrology.calibration import CertificateFields
from tanji.metrology.models import LedgerSnapshot
from tanji.metrology.reviews import FindingInput
from tanji.tenancy.actor import AccessDenied, Actor
from tanji.tenancy.models import AuditEntry
from tanji.tenancy.validation import NotFound
from tests.metrology.factories import (
    MINIMAL_PDF,
    InstrumentFactory,
    MetrologyWorld,
    build_metrology,
    qualify_reviewer,
)
from tests.tenancy.factories import EnterpriseFactory, member

pytestmark = pytest.mark.django_db
MODULES = {
    "calibration": calibration,
    "personnel": personnel,
    "reviews": reviews,
    "ledger": ledger,
    "qc": qc,
    "plans": plans,
}
PURE = {
    "calibration.active_plan",
    "calibration.add_months",
    "calibration.next_due_date",
    "ledger.diff_rows",
    "ledger.ledger_rows",
    "ledger.rows_sha256",
    "qc.en_number",
    "qc.imbalance_pct",
    "qc.relative_accuracy_pct",
}
D = date(2025, 3, 1)


def _fields(w: MetrologyWorld) -> CertificateFields:
    c = w.certificate
    return CertificateFields(
        "N-1", D, c.body_id, c.standard_id, "JJG 195-2019", "pass", date(2026, 3, 1), 0.2, 2.0
    )


Call = Callable[[Actor, MetrologyWorld], Any]
CALLS: dict[str, Call] = {
    "calibration.create_plan": lambda a, w: calibration.create_plan(
        a,
        InstrumentFactory(enterprise=w.plan.enterprise).pk
        if a.is_platform
        else w.plan.instrument_id,
        first_due_on=D,
    ),
    "calibration.record_body": lambda a, w: calibration.record_body(
        a, enterprise_id=w.plan.enterprise_id, name="b", accreditation_no="L1"
    ),
    "calibration.record_standard": lambda a, w: calibration.record_standard(
        a,
        body_id=w.certificate.body_id,
        name="s",
        certificate_no="1",
        valid_until=date(2030, 1, 1),
        national_standard="NIM",
    ),
    "calibration.record_certificate": lambda a, w: calibration.record_certificate(
        a, w.plan.instrument_id, _fields(w), filename="c.pdf", content=MINIMAL_PDF
    ),
    "calibration.store_document": lambda a, w: calibration.store_document(
        a, enterprise_id=w.plan.enterprise_id, filename="c.pdf", content=MINIMAL_PDF, kind="x"
    ),
    "calibration.raise_calibration_alerts": lambda a, w: (
        calibration.raise_calibration_alerts(a, date(2026, 2, 1)) or _require_alerts(a)
    ),
    "personnel.add_personnel_document": lambda a, w: personnel.add_personnel_document(
        a,
        enterprise_id=w.plan.enterprise_id,
        person_id=w.plan.instrument.responsible_id,
        issued_on=D,
        kind="training",
        title="t",
    ),
    "reviews.create_review": lambda a, w: reviews.create_review(
        a,
        enterprise_id=w.plan.enterprise_id,
        kind="data_package",
        title="m",
        period="2025-03",
        payload={},
    ),
    "reviews.submit_ledger_update": lambda a, w: reviews.submit_ledger_update(
        a,
        LedgerSnapshot.objects.create(
            enterprise=w.plan.enterprise, year=2025, rows=[], changes={}, sha256="0"
        ).pk,
    ),
    "plans.update_plan": lambda a, w: plans.update_plan(a, w.plan.pk, period_months=6),
    "plans.retire_plan": lambda a, w: plans.retire_plan(a, w.plan.pk, retired_on=D),
    "personnel.update_personnel_document": lambda a, w: personnel.update_personnel_document(
        a, w.document.pk, number="A-2"
    ),
    "personnel.add_reviewer_qualification": lambda a, w: personnel.add_reviewer_qualification(
        a,
        province_id=w.plan.enterprise.province_id,
        person_id=member("metrology_reviewer", w.plan.enterprise).pk,
        number="SC-1",
        issued_on=D,
        valid_until=date(2027, 1, 1),
    ),
    "personnel.expire_reviewer_qualification": lambda a, w: personnel.expire_reviewer_qualification(
        a,
        qualify_reviewer(
            member("metrology_reviewer", w.plan.enterprise), w.plan.enterprise.province
        )
        .reviewer_qualifications.get()
        .pk,
    ),
    "reviews.transition": lambda a, w: reviews.transition(
        a, _submitted(w), "return", findings=[FindingInput("c", "t")]
    ),
    "ledger.take_ledger_snapshot": lambda a, w: ledger.take_ledger_snapshot(
        a, enterprise_id=w.plan.enterprise_id, year=2025
    ),
    "qc.record_reference_material": lambda a, w: qc.record_reference_material(
        a,
        enterprise_id=w.plan.enterprise_id,
        performed_on=D,
        instrument_id=None,
        material="m",
        measured=1.0,
        u_measured=0.1,
        certified=1.0,
        u_certified=0.1,
    ),
    "qc.record_cems_rata": lambda a, w: qc.record_cems_rata(
        a,
        enterprise_id=w.plan.enterprise_id,
        performed_on=D,
        instrument_id=None,
        cems=[1.0 + i / 100 for i in range(9)],
        reference=[1.0] * 9,
    ),
    "qc.record_cross_meter_balance": lambda a, w: qc.record_cross_meter_balance(
        a,
        enterprise_id=w.plan.enterprise_id,
        performed_on=D,
        instrument_id=None,
        main=1.0,
        parts=[1.0],
    ),
}


def _require_alerts(actor: Actor) -> None:
    if not AuditEntry.objects.filter(request_id=actor.request_id).exists():
        raise NotFound("tenancy.not_found", "no alert raised for a visible instrument")


def _submitted(w: MetrologyWorld) -> int:
    review = w.review
    type(review).objects.filter(pk=review.pk).update(state="submitted")
    return int(review.pk)


def _world() -> MetrologyWorld:
    e = EnterpriseFactory()
    instrument = InstrumentFactory(enterprise=e, responsible=member("metering_staff", e))
    return build_metrology(instrument)


def test_registry_covers_every_writer() -> None:
    public = {f"{p}.{n}" for p, m in MODULES.items() for n in m.__all__ if n[0].islower()}
    assert public - PURE == set(CALLS)


@pytest.mark.parametrize("call", sorted(CALLS))
def test_every_writer_is_audited(call: str) -> None:
    actor = Actor.system(request_id=f"req-{call}")
    CALLS[call](actor, _world())
    assert AuditEntry.objects.filter(request_id=actor.request_id).exists()


@pytest.mark.parametrize("call", sorted(CALLS))
def test_writers_refuse_another_tenant(call: str) -> None:
    _world()  # the actor's own enterprise has data too
    foreign = _world()
    own = EnterpriseFactory()
    actor = Actor.for_user(member("enterprise_admin", own))
    if call == "calibration.raise_calibration_alerts":  # a job over what the actor sees
        assert calibration.raise_calibration_alerts(actor, date(2026, 2, 1)) == []
        return
    if call.endswith("_reviewer_qualification"):  # province records: operators only
        with pytest.raises(AccessDenied):
            CALLS[call](actor, foreign)
        return
    with pytest.raises(NotFound):
        CALLS[call](actor, foreign)
    assert not AuditEntry.objects.filter(request_id=actor.request_id).exists()


READS: dict[str, Callable[[Actor, MetrologyWorld], Any]] = {
    "compliance.compliance": lambda a, w: compliance.compliance(a, w.plan.enterprise_id),
    "traceability.traceability_chain": lambda a, w: traceability.traceability_chain(
        a, w.certificate.pk
    ),
}


@pytest.mark.parametrize("read", sorted(READS))
def test_reads_outside_queries_refuse_another_tenant(read: str) -> None:
    own, foreign = _world(), _world()
    actor = Actor.for_user(member("viewer", own.plan.enterprise))
    READS[read](actor, own)
    with pytest.raises(NotFound):
        READS[read](actor, foreign)


def test_personnel_flags_show_only_own_papers() -> None:
    own, foreign = _world(), _world()
    actor = Actor.for_user(member("viewer", own.plan.enterprise))
    flags = signing.personnel_flags(actor, D)
    assert [f.document_id for f in flags] == [own.document.pk]
    assert foreign.document.pk not in {f.document_id for f in flags}
