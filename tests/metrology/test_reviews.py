"""The metrology review workflow: submit with automatic checks, return, respond, decide."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from tanji.metrology import ledger, queries, reviews
from tanji.metrology.choices import REVIEW_TRANSITIONS, ReviewActionChoices, ReviewStateChoices
from tanji.metrology.models import PersonnelDocument, Review, ReviewerQualification
from tanji.metrology.reviews import FindingInput
from tanji.tenancy.actor import AccessDenied, Actor
from tanji.tenancy.models import AuditEntry, Enterprise, User
from tanji.tenancy.validation import InvalidInput
from tests.metrology.factories import (
    CertificateFactory,
    InstrumentFactory,
    PlanFactory,
    qualify_reviewer,
)
from tests.tenancy.factories import EnterpriseFactory, member

pytestmark = pytest.mark.django_db


def _qualified(e: Enterprise) -> User:
    staff = member("metering_staff", e)
    start = timezone.localdate() - timedelta(days=30)
    PersonnelDocument.objects.create(
        enterprise=e, person=staff, kind="appointment", title="a", issued_on=start
    )
    for scope in ("ledger", "calibration", "data"):
        PersonnelDocument.objects.create(
            enterprise=e,
            person=staff,
            kind="qualification",
            title=scope,
            scope=scope,
            issued_on=start,
        )
    return staff


@pytest.fixture
def submitted() -> tuple[Review, Actor, Actor]:
    e = EnterpriseFactory()
    staff = _qualified(e)
    ok = InstrumentFactory(enterprise=e, responsible=staff, install_location="窑头")
    PlanFactory(instrument=ok)
    CertificateFactory(
        instrument=ok,
        calibrated_on=date(2025, 1, 10),
        next_due_on=timezone.localdate() + timedelta(days=200),
    )
    InstrumentFactory(enterprise=e, code="LATE", responsible=staff)  # no location, plan, cert
    enterprise_actor = Actor.for_user(staff)
    snapshot = ledger.take_ledger_snapshot(enterprise_actor, enterprise_id=e.pk, year=2025)
    review = reviews.submit_ledger_update(enterprise_actor, snapshot.pk)
    reviewer = Actor.for_user(qualify_reviewer(member("metrology_reviewer", e), e.province))
    return review, enterprise_actor, reviewer


def test_submission_runs_the_automatic_checks(submitted: tuple[Review, Actor, Actor]) -> None:
    review, _, _ = submitted
    assert review.state == ReviewStateChoices.SUBMITTED
    checks = {c["name"]: c for c in review.checks}
    assert checks["consistency_hash"]["passed"] is True
    assert checks["completeness_rows"]["detail"] == ["LATE"]
    assert checks["completeness_plans"]["detail"] == ["LATE"]
    assert checks["overdue_items"]["passed"] is False
    assert any("LATE" in item for item in checks["overdue_items"]["detail"])
    assert checks["gb17167"]["passed"] is True


def test_return_respond_approve_with_audit(submitted: tuple[Review, Actor, Actor]) -> None:
    review, enterprise, reviewer = submitted
    finding = FindingInput("JJF 1033 / R7.2.1", "LATE has no calibration plan", "major")
    review = reviews.transition(
        reviewer, review.pk, "return", note="see finding", findings=[finding]
    )
    assert review.state == "returned"
    [row] = queries.review_findings(enterprise, review_id=review.pk)
    with pytest.raises(InvalidInput) as caught:
        reviews.transition(enterprise, review.pk, "respond", responses={})
    assert caught.value.code == "metrology.responses_required"
    reviews.transition(enterprise, review.pk, "respond", responses={row.pk: "Plan added."})
    review = reviews.transition(reviewer, review.pk, "approve", note="ok")
    assert review.state == "approved"
    row.refresh_from_db()
    assert row.response == "Plan added."
    assert row.responded_at is not None
    events = [(e.from_state, e.to_state) for e in review.events.all()]
    assert events == [
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "responded"),
        ("responded", "approved"),
    ]
    audit = AuditEntry.objects.filter(object_type="metrology.review").order_by("id")
    assert [a.action for a in audit if a.action.startswith("review_")] == [
        "review_submit",
        "review_return",
        "review_respond",
        "review_approve",
    ]
    assert audit.get(action="review_return").request_id == reviewer.request_id


def test_sides_and_states_are_enforced(submitted: tuple[Review, Actor, Actor]) -> None:
    review, enterprise, reviewer = submitted
    with pytest.raises(AccessDenied):
        reviews.transition(enterprise, review.pk, "approve")
    with pytest.raises(InvalidInput) as caught:
        reviews.transition(reviewer, review.pk, "respond")
    assert caught.value.code == "metrology.bad_transition"
    assert caught.value.params["allowed"] == "approve, reject, return"
    with pytest.raises(InvalidInput) as caught:
        reviews.transition(reviewer, review.pk, "return")
    assert caught.value.code == "metrology.findings_required"
    with pytest.raises(InvalidInput):
        reviews.transition(reviewer, review.pk, "reject", note=" ")
    review = reviews.transition(reviewer, review.pk, "reject", note="ledger incomplete")
    assert review.state == "rejected"
    assert review.decision_note == "ledger incomplete"
    with pytest.raises(InvalidInput):
        reviews.transition(reviewer, review.pk, "approve")


def test_unqualified_staff_cannot_submit() -> None:
    e = EnterpriseFactory()
    actor = Actor.for_user(member("metering_staff", e))
    snapshot = ledger.take_ledger_snapshot(actor, enterprise_id=e.pk, year=2025)
    with pytest.raises(AccessDenied) as caught:
        reviews.submit_ledger_update(actor, snapshot.pk)
    assert caught.value.code == "metrology.not_qualified"


def test_certificate_review_checks_chain_and_method() -> None:
    e = EnterpriseFactory()
    cert = CertificateFactory(instrument__enterprise=e, method="JJF 1234")
    PlanFactory(instrument=cert.instrument, regulation="JJG 195-2019")
    review = reviews.create_review(
        Actor.system(),
        enterprise_id=e.pk,
        kind="certificate",
        title="c",
        period="2025",
        payload={"certificate_id": cert.pk},
    )
    review = reviews.transition(Actor.system(), review.pk, "submit")
    checks = {c["name"]: c["passed"] for c in review.checks}
    assert checks == {
        "traceability_chain": True,
        "document_hash": False,
        "method_deviation": False,
        "result": True,
    }


def test_payload_of_another_enterprise_is_refused() -> None:
    e = EnterpriseFactory()
    cert = CertificateFactory()
    with pytest.raises(InvalidInput) as caught:
        reviews.create_review(
            Actor.system(),
            enterprise_id=e.pk,
            kind="certificate",
            title="c",
            period="2025",
            payload={"certificate_id": cert.pk},
        )
    assert caught.value.code == "metrology.payload_other_enterprise"


def test_transition_table_is_closed() -> None:
    states = set(ReviewStateChoices.values)
    for (state, action), (target, side) in REVIEW_TRANSITIONS.items():
        assert {state, target} <= states
        assert action in ReviewActionChoices.values
        assert side in {"enterprise", "reviewer"}
    assert not any(s in {"approved", "rejected"} for s, _ in REVIEW_TRANSITIONS)


def test_data_package_review_lists_failed_qc_of_its_month() -> None:
    from tanji.metrology import qc

    e = EnterpriseFactory()
    actor = Actor.system()
    qc.record_cross_meter_balance(
        actor,
        enterprise_id=e.pk,
        performed_on=date(2025, 3, 5),
        instrument_id=None,
        main=1000.0,
        parts=[900.0],
    )
    qc.record_cross_meter_balance(
        actor,
        enterprise_id=e.pk,
        performed_on=date(2025, 4, 5),
        instrument_id=None,
        main=1000.0,
        parts=[800.0],
    )
    review = reviews.create_review(
        actor,
        enterprise_id=e.pk,
        kind="data_package",
        title="2025-03",
        period="2025-03",
        payload={},
    )
    review = reviews.transition(actor, review.pk, "submit")
    checks = {c["name"]: c for c in review.checks}
    assert checks["qc"]["detail"] == ["cross_meter 2025-03-05: -10 (limit 2)"]
    assert checks["overdue_items"]["passed"] is True


def test_reviewer_decides_only_with_a_current_qualification(
    submitted: tuple[Review, Actor, Actor],
) -> None:
    review, _, reviewer = submitted
    ReviewerQualification.objects.filter(person_id=reviewer.user_id).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    finding = FindingInput("GB 17167-2006 4.3.2", "进厂原煤未配备计量器具")
    with pytest.raises(AccessDenied) as caught:
        reviews.transition(reviewer, review.pk, "return", findings=[finding])
    assert caught.value.code == "metrology.reviewer_not_qualified"
    assert caught.value.params["at"] == timezone.localdate().isoformat()
    assert queries.review(reviewer, review.pk).state == "submitted"
    assert not AuditEntry.objects.filter(action="review_return").exists()


def test_validity_is_judged_by_the_calendar_day_in_china(
    submitted: tuple[Review, Actor, Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    review, _, reviewer = submitted
    evening_utc = datetime(2026, 11, 21, 17, 0, tzinfo=UTC)  # already 22 November in Beijing
    monkeypatch.setattr(timezone, "now", lambda: evening_utc)
    ReviewerQualification.objects.filter(person_id=reviewer.user_id).update(
        valid_until=date(2026, 11, 21)
    )
    finding = FindingInput("GB 17167-2006 4.3.2", "进厂原煤未配备计量器具")
    with pytest.raises(AccessDenied) as caught:
        reviews.transition(reviewer, review.pk, "return", findings=[finding])
    assert caught.value.params["at"] == "2026-11-22"
