"""Plans from the regulation, certificates validated and stored, due dates, overdue marking."""

from __future__ import annotations

import hashlib
import math
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tanji.metrology import calibration, queries, services, trust_hook
from tanji.metrology.calibration import CertificateFields, add_months
from tanji.metrology.models import CalibrationAlert, StoredDocument
from tanji.metrology.uploads import UploadRejected
from tanji.tenancy.actor import Actor
from tanji.tenancy.models import AuditEntry
from tanji.tenancy.validation import InvalidInput
from tests.metrology.factories import (
    MINIMAL_PDF,
    BodyFactory,
    CertificateFactory,
    InstrumentFactory,
    PlanFactory,
    StandardFactory,
)
from tests.plant.factories import TagFactory

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system()


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 3, 15), 12, date(2026, 3, 15)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 3, 15), -24, date(2023, 3, 15)),
    ],
)
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_plan_period_comes_from_the_regulation() -> None:
    meter = InstrumentFactory(instrument_type="energy_meter", accuracy_class="0.5S")
    plan = calibration.create_plan(SYSTEM, meter.pk, first_due_on=date(2026, 1, 1))
    assert (plan.regulation, plan.period_months, plan.kind) == ("JJG 596-2012", 72, "verification")
    assert plan.rule_version == "jjg-periods/r1"


def test_plan_may_be_stricter_but_never_longer() -> None:
    scale = InstrumentFactory(instrument_type="belt_scale")
    with pytest.raises(InvalidInput) as caught:
        calibration.create_plan(SYSTEM, scale.pk, first_due_on=date(2026, 1, 1), period_months=18)
    assert caught.value.code == "metrology.period_exceeds_regulation"
    assert caught.value.params["limit"] == 12
    plan = calibration.create_plan(SYSTEM, scale.pk, first_due_on=date(2026, 1, 1), period_months=6)
    assert plan.period_months == 6


def _fields(body: int, standard: int, **changes: object) -> CertificateFields:
    values: dict[str, object] = {
        "number": "JD2025-0001",
        "calibrated_on": date(2025, 3, 1),
        "body_id": body,
        "standard_id": standard,
        "method": "JJG 195-2019",
        "result": "pass",
        "next_due_on": date(2026, 3, 1),
        "expanded_u": 0.25,
        "coverage_k": 2.0,
    }
    return CertificateFields(**(values | changes))  # type: ignore[arg-type]


def _chain(instrument: object) -> tuple[int, int]:
    standard = StandardFactory(body__enterprise=instrument.enterprise)  # type: ignore[attr-defined]
    return standard.body_id, standard.pk


def test_certificate_is_stored_with_its_file_hash_and_audited() -> None:
    scale = InstrumentFactory(instrument_type="belt_scale")
    PlanFactory(instrument=scale)
    logged: list[tuple[str, str, int]] = []
    with trust_hook.using_recorder(lambda h, k, e, _u: logged.append((h, k, e)) or f"leaf:{h[:8]}"):
        cert = calibration.record_certificate(
            SYSTEM,
            scale.pk,
            _fields(*_chain(scale)),
            filename="JD2025-0001.pdf",
            content=MINIMAL_PDF,
        )
    digest = hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert cert.document is not None
    assert cert.document.sha256 == digest
    assert cert.document.trust_leaf == f"leaf:{digest[:8]}"
    assert logged == [(digest, "calibration_certificate", scale.enterprise_id)]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"upload", "create"} <= actions
    upload = AuditEntry.objects.get(action="upload")
    assert "content" not in upload.after
    assert upload.after["sha256"] == digest


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"calibrated_on": timezone.localdate() + timedelta(days=3)}, "calibrated_on"),
        ({"calibrated_on": date(2015, 1, 1), "next_due_on": date(2016, 1, 1)}, "calibrated_on"),
        ({"next_due_on": date(2025, 3, 1)}, "next_due_on"),
        ({"next_due_on": date(2026, 9, 1)}, "next_due_on"),  # beyond the 12-month plan
        ({"result": "ok"}, "result"),
        ({"coverage_k": None}, "coverage_k"),
        ({"coverage_k": 0.0}, "coverage_k"),
        ({"expanded_u": -0.1}, "expanded_u"),
        ({"number": " "}, "number"),
    ],
)
def test_certificate_fields_are_validated(changes: dict[str, object], field: str) -> None:
    scale = InstrumentFactory(instrument_type="belt_scale")
    PlanFactory(instrument=scale)
    with pytest.raises(InvalidInput) as caught:
        calibration.record_certificate(
            SYSTEM,
            scale.pk,
            _fields(*_chain(scale), **changes),
            filename="c.pdf",
            content=MINIMAL_PDF,
        )
    assert caught.value.params["field"] == field
    assert not StoredDocument.objects.exists()


def test_expired_accreditation_or_standard_is_refused() -> None:
    scale = InstrumentFactory()
    body = BodyFactory(enterprise=scale.enterprise, accreditation_valid_until=date(2025, 1, 1))
    standard = StandardFactory(body=body, enterprise=scale.enterprise)
    with pytest.raises(InvalidInput) as caught:
        calibration.record_certificate(
            SYSTEM, scale.pk, _fields(body.pk, standard.pk), filename="c.pdf", content=MINIMAL_PDF
        )
    assert caught.value.params["field"] == "body"
    body.accreditation_valid_until = None
    body.save()
    standard.valid_until = date(2024, 12, 31)
    standard.save()
    with pytest.raises(InvalidInput) as caught:
        calibration.record_certificate(
            SYSTEM, scale.pk, _fields(body.pk, standard.pk), filename="c.pdf", content=MINIMAL_PDF
        )
    assert caught.value.params["field"] == "standard"


def test_hostile_certificate_file_stores_nothing() -> None:
    scale = InstrumentFactory()
    with pytest.raises(UploadRejected):
        calibration.record_certificate(
            SYSTEM, scale.pk, _fields(*_chain(scale)), filename="c.exe.pdf", content=MINIMAL_PDF
        )
    assert not StoredDocument.objects.exists()
    assert not queries.certificates(SYSTEM).exists()


def test_tag_is_marked_from_the_due_date_on() -> None:
    tag = TagFactory()
    scale = InstrumentFactory(enterprise=tag.enterprise)
    scale.tags.add(tag)
    CertificateFactory(
        instrument=scale, calibrated_on=date(2025, 1, 10), next_due_on=date(2026, 1, 10)
    )
    status = queries.tag_metrology_status(SYSTEM, [tag.pk], date(2026, 1, 9))
    assert status[tag.pk].state == "ok"
    for day in (date(2026, 1, 10), date(2026, 3, 1)):
        status = queries.tag_metrology_status(SYSTEM, [tag.pk], day)
        assert status[tag.pk].state == "overdue"
        assert status[tag.pk].instruments[0].due_on == date(2026, 1, 10)
    CertificateFactory(
        instrument=scale, calibrated_on=date(2026, 3, 2), next_due_on=date(2027, 3, 2)
    )
    assert queries.tag_metrology_status(SYSTEM, [tag.pk], date(2026, 3, 2))[tag.pk].state == "ok"


def test_failed_certificate_maintenance_and_missing_instrument() -> None:
    tag, lonely = TagFactory(), TagFactory()
    scale = InstrumentFactory(enterprise=tag.enterprise)
    scale.tags.add(tag)
    CertificateFactory(instrument=scale, result="fail")
    at = date(2025, 6, 1)
    result = queries.tag_metrology_status(SYSTEM, [tag.pk, lonely.pk], at)
    assert (result[tag.pk].state, result[lonely.pk].state) == ("failed", "no_instrument")
    scale.status = "maintenance"
    scale.save()
    assert queries.tag_metrology_status(SYSTEM, [tag.pk], at)[tag.pk].state == "maintenance"


def test_plan_without_certificate_is_due_on_its_first_date() -> None:
    scale = InstrumentFactory()
    PlanFactory(instrument=scale, first_due_on=date(2025, 3, 1))
    [state] = queries.instrument_states(SYSTEM, date(2025, 2, 28))
    assert (state.state, state.due_on) == ("ok", date(2025, 3, 1))
    [state] = queries.instrument_states(SYSTEM, date(2025, 3, 1))
    assert state.state == "overdue"


def test_due_list_and_alert_job_are_idempotent() -> None:
    soon = InstrumentFactory(code="A-SOON")
    CertificateFactory(instrument=soon, next_due_on=date(2025, 6, 20))
    late = InstrumentFactory(code="B-LATE", enterprise=soon.enterprise)
    CertificateFactory(instrument=late, next_due_on=date(2025, 5, 1))
    later = InstrumentFactory(code="C-FINE", enterprise=soon.enterprise)
    CertificateFactory(instrument=later, next_due_on=date(2025, 12, 1))
    at = date(2025, 6, 1)
    due = queries.calibrations_due(SYSTEM, at, 30)
    assert [(d.code, d.days_left, d.state) for d in due] == [
        ("B-LATE", -31, "overdue"),
        ("A-SOON", 19, "ok"),
    ]
    raised = calibration.raise_calibration_alerts(SYSTEM, at, 30)
    assert sorted((a.instrument.code, a.kind) for a in raised) == [
        ("A-SOON", "due_soon"),
        ("B-LATE", "overdue"),
    ]
    assert calibration.raise_calibration_alerts(SYSTEM, at, 30) == []
    assert CalibrationAlert.objects.count() == 2
    late.refresh_from_db()
    assert late.calibration_status == "overdue"
    with pytest.raises(InvalidInput):
        queries.calibrations_due(SYSTEM, at, -1)


def test_uncertainty_from_certificate_then_from_class() -> None:
    tag = TagFactory()
    scale = InstrumentFactory(enterprise=tag.enterprise, accuracy_class="0.5")
    scale.tags.add(tag)
    at = date(2025, 6, 1)
    by_class = queries.tag_standard_uncertainty(SYSTEM, tag.pk, 20.0, at)
    # GB 17167 class 0.5 as a rectangular half-width: 20 × 0.5 % / √3 (JJF 1059.1 4.3.3.4)
    assert by_class.basis == "accuracy_class"
    assert math.isclose(by_class.u, 20.0 * 0.005 / math.sqrt(3))
    CertificateFactory(instrument=scale, expanded_u=0.25, coverage_k=2.0)
    by_cert = queries.tag_standard_uncertainty(SYSTEM, tag.pk, 20.0, at)
    # U = 0.25 % at k = 2: u = 20 × 0.0025 / 2
    assert (by_cert.basis, by_cert.u) == ("certificate", pytest.approx(0.025))


def test_transmitter_class_is_of_the_span_and_unclassed_has_no_basis() -> None:
    tag = TagFactory()
    transmitter = InstrumentFactory(
        enterprise=tag.enterprise,
        instrument_type="pressure",
        accuracy_class="1.0",
        range_min=-5000,
        range_max=5000,
    )
    transmitter.tags.add(tag)
    result = queries.tag_standard_uncertainty(SYSTEM, tag.pk, -120.0, date(2025, 6, 1))
    assert math.isclose(result.u, 10000 * 0.01 / math.sqrt(3))
    transmitter.accuracy_class = "unclassed"
    transmitter.save()
    with pytest.raises(InvalidInput) as caught:
        queries.tag_standard_uncertainty(SYSTEM, tag.pk, 1.0, date(2025, 6, 1))
    assert caught.value.code == "metrology.no_uncertainty_basis"


def test_past_instants_use_the_status_history() -> None:
    tag = TagFactory()
    scale = InstrumentFactory(enterprise=tag.enterprise, installed_on=date(2021, 1, 1))
    scale.tags.add(tag)
    CertificateFactory(
        instrument=scale, calibrated_on=date(2025, 1, 10), next_due_on=date(2026, 1, 10)
    )
    services.set_instrument_status(SYSTEM, scale.pk, status="maintenance", on=date(2025, 3, 1))
    services.set_instrument_status(SYSTEM, scale.pk, status="in_use", on=date(2025, 3, 20))
    states = {
        day: queries.tag_metrology_status(SYSTEM, [tag.pk], day)[tag.pk].state
        for day in (date(2025, 2, 28), date(2025, 3, 1), date(2025, 3, 19), date(2025, 3, 20))
    }
    assert states == {
        date(2025, 2, 28): "ok",
        date(2025, 3, 1): "maintenance",
        date(2025, 3, 19): "maintenance",
        date(2025, 3, 20): "ok",
    }
    services.retire_instrument(SYSTEM, scale.pk, retired_on=date(2025, 6, 30))
    assert queries.tag_metrology_status(SYSTEM, [tag.pk], date(2025, 6, 29))[tag.pk].state == "ok"
    after = queries.tag_metrology_status(SYSTEM, [tag.pk], date(2025, 7, 1))[tag.pk]
    assert after.state == "no_instrument"
