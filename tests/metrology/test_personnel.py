"""Personnel papers with expiry flags; signing requires a valid appointment and qualification."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tanji.metrology import calibration, personnel, signing
from tanji.tenancy.actor import AccessDenied, Actor
from tanji.tenancy.validation import InvalidInput
from tests.metrology.factories import MINIMAL_PDF, InstrumentFactory
from tests.tenancy.factories import EnterpriseFactory, UserFactory, member

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system()


def _paper(e: object, person: object, kind: str, **fields: object) -> object:
    return personnel.add_personnel_document(
        SYSTEM,
        enterprise_id=e.pk,
        person_id=person.pk,  # type: ignore[attr-defined]
        issued_on=fields.pop("issued_on", date(2024, 1, 1)),
        kind=kind,
        title=fields.pop("title", kind),
        **fields,
    )


def test_flags_expired_expiring_failed_and_valid() -> None:
    e = EnterpriseFactory()
    staff = member("metering_staff", e)
    _paper(e, staff, "appointment", valid_until=date(2025, 5, 31))
    _paper(e, staff, "training", valid_until=date(2025, 7, 15))
    _paper(e, staff, "exam", score=55.0)
    _paper(e, staff, "qualification", scope="ledger", valid_until=date(2027, 1, 1))
    flags = {f.kind: f.flag for f in signing.personnel_flags(SYSTEM, date(2025, 6, 1))}
    assert flags == {
        "appointment": "expired",
        "training": "expiring",
        "exam": "failed",
        "qualification": "valid",
    }


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        ("exam", {}, "score"),
        ("exam", {"score": 120.0}, "score"),
        ("qualification", {}, "scope"),
        ("training", {"valid_until": date(2023, 1, 1)}, "valid_until"),
    ],
)
def test_documents_are_validated(kind: str, fields: dict[str, object], field: str) -> None:
    e = EnterpriseFactory()
    with pytest.raises(InvalidInput) as caught:
        _paper(e, member("metering_staff", e), kind, **fields)
    assert caught.value.params["field"] == field


def test_only_members_have_a_file_and_files_are_screened() -> None:
    e = EnterpriseFactory()
    with pytest.raises(InvalidInput) as caught:
        _paper(e, UserFactory(), "training")
    assert caught.value.code == "metrology.person_not_member"
    paper = _paper(
        e, member("lab_staff", e), "training", filename="training.pdf", content=MINIMAL_PDF
    )
    assert paper.document.sha256  # type: ignore[attr-defined]


def test_signing_needs_appointment_and_qualification_valid_today() -> None:
    e = EnterpriseFactory()
    staff = member("metering_staff", e)
    actor = Actor.for_user(staff)
    scale = InstrumentFactory(enterprise=e, instrument_type="belt_scale")
    today = timezone.localdate()
    with pytest.raises(AccessDenied) as caught:
        calibration.create_plan(actor, scale.pk, first_due_on=today)
    assert caught.value.code == "metrology.not_qualified"
    _paper(e, staff, "appointment", issued_on=today - timedelta(days=10))
    _paper(e, staff, "qualification", scope="ledger", issued_on=today - timedelta(days=10))
    with pytest.raises(AccessDenied):  # a ledger qualification does not cover calibration
        calibration.create_plan(actor, scale.pk, first_due_on=today)
    _paper(
        e,
        staff,
        "qualification",
        scope="calibration",
        issued_on=today - timedelta(days=400),
        valid_until=today - timedelta(days=1),
    )
    with pytest.raises(AccessDenied):  # expired yesterday
        calibration.create_plan(actor, scale.pk, first_due_on=today)
    _paper(e, staff, "qualification", scope="calibration", issued_on=today - timedelta(days=1))
    assert calibration.create_plan(actor, scale.pk, first_due_on=today).period_months == 12
    assert signing.may_sign(SYSTEM, e, staff.pk, "calibration", today)
