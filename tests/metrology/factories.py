"""factory_boy factories of the metrology app, and a per-tenant metrology world builder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import factory
from django.utils import timezone

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
    StoredDocument,
)
from tests.tenancy.factories import EnterpriseFactory, UserFactory

#: The smallest valid PDF the upload screening accepts.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument

    enterprise = factory.SubFactory(EnterpriseFactory)
    code = factory.Sequence(lambda n: f"INST-{n}")
    name_zh = "分解炉转子秤"
    instrument_type = "rotor_scale"
    maker = "Schenck Process"
    model = "DRW"
    serial_number = factory.Sequence(lambda n: f"SN{n:06d}")
    range_min = 0.0
    range_max = 25.0
    range_unit = "t/h"
    accuracy_class = "0.5"
    responsible = factory.SubFactory(UserFactory)
    calibration_status = "valid"
    installed_on = date(2021, 3, 15)


class PointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeteringPoint

    enterprise = factory.SubFactory(EnterpriseFactory)
    code = factory.Sequence(lambda n: f"P-{n}")
    name_zh = "计量点"
    level = "equipment"
    energy_kind = "coal"


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalibrationBody

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = "湖北省计量测试技术研究院"
    accreditation_no = factory.Sequence(lambda n: f"CNAS L{1000 + n}")
    accreditation_valid_until = date(2030, 12, 31)


class StandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferenceStandard

    body = factory.SubFactory(BodyFactory)
    enterprise = factory.SelfAttribute("body.enterprise")
    name = "皮带秤检定装置（链码）"
    certificate_no = factory.Sequence(lambda n: f"[2024]鄂量标-{n}")
    valid_until = date(2028, 6, 30)
    national_standard = "国家质量基准 (NIM)"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoredDocument

    enterprise = factory.SubFactory(EnterpriseFactory)
    filename = "certificate.pdf"
    content_type = "application/pdf"
    size = len(MINIMAL_PDF)
    sha256 = "0" * 64
    content = MINIMAL_PDF


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalibrationPlan

    instrument = factory.SubFactory(InstrumentFactory)
    enterprise = factory.SelfAttribute("instrument.enterprise")
    kind = "verification"
    regulation = "JJG 195-2019"
    period_months = 12
    first_due_on = date(2025, 3, 1)
    rule_version = "jjg-periods/r1"


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    instrument = factory.SubFactory(InstrumentFactory)
    enterprise = factory.SelfAttribute("instrument.enterprise")
    number = factory.Sequence(lambda n: f"JD2025-{n:05d}")
    calibrated_on = date(2025, 1, 10)
    body = factory.SubFactory(BodyFactory, enterprise=factory.SelfAttribute("..enterprise"))
    standard = factory.SubFactory(
        StandardFactory,
        body=factory.SelfAttribute("..body"),
        enterprise=factory.SelfAttribute("..enterprise"),
    )
    method = "JJG 195-2019"
    result = "pass"
    expanded_u = 0.25
    coverage_k = 2.0
    next_due_on = date(2026, 1, 10)


@dataclass
class MetrologyWorld:
    """One of everything metrology holds, for one tenant's instrument (isolation tests)."""

    point: MeteringPoint
    event: InstrumentEvent
    plan: CalibrationPlan
    certificate: Certificate
    alert: CalibrationAlert
    document: PersonnelDocument
    snapshot: LedgerSnapshot
    review: Review
    finding: ReviewFinding
    qc: QCRecord


def build_metrology(instrument: Instrument) -> MetrologyWorld:
    """Plan, certificate, alert, personnel paper, snapshot, review, finding, QC of an instrument."""
    e: Any = instrument.enterprise
    point = PointFactory(enterprise=e)
    instrument.point = point
    instrument.save()
    event = InstrumentEvent.objects.create(
        enterprise=e, instrument=instrument, kind="installed", on=instrument.installed_on
    )
    plan = PlanFactory(instrument=instrument)
    certificate = CertificateFactory(instrument=instrument)
    alert = CalibrationAlert.objects.create(
        enterprise=e, instrument=instrument, kind="overdue", due_on=date(2026, 1, 10)
    )
    paper = PersonnelDocument.objects.create(
        enterprise=e,
        person=instrument.responsible,
        kind="appointment",
        title="任命",
        issued_on=date(2025, 1, 1),
    )
    snapshot = LedgerSnapshot.objects.create(
        enterprise=e, year=2025, rows=[], changes={}, sha256="0" * 64
    )
    review = Review.objects.create(
        enterprise=e,
        kind="ledger_update",
        title="2025",
        period="2025",
        payload={"snapshot_id": snapshot.pk},
    )
    finding = ReviewFinding.objects.create(
        enterprise=e, review=review, clause="GB 17167 4.3.2", text="x", severity="minor"
    )
    qc = QCRecord.objects.create(
        enterprise=e,
        kind="cross_meter",
        performed_on=date(2025, 6, 1),
        inputs={},
        result_value=1.0,
        limit_value=2.0,
        passed=True,
        clause="x",
    )
    return MetrologyWorld(
        point, event, plan, certificate, alert, paper, snapshot, review, finding, qc
    )


def qualify(
    user: Any, enterprise: Any, scopes: tuple[str, ...] = ("ledger", "calibration", "data", "qc")
) -> Any:
    """Give ``user`` a current appointment and qualifications for ``scopes`` (R7.1.5)."""
    start = timezone.localdate().replace(day=1) - timedelta(days=31)
    PersonnelDocument.objects.create(
        enterprise=enterprise, person=user, kind="appointment", title="任命书", issued_on=start
    )
    for scope in scopes:
        PersonnelDocument.objects.create(
            enterprise=enterprise,
            person=user,
            kind="qualification",
            title=f"{scope} 资格",
            scope=scope,
            issued_on=start,
        )
    return user


def qualify_reviewer(user: Any, province: Any) -> Any:
    """Give a metrology reviewer a reviewer qualification valid for two years around today."""
    today = timezone.localdate()
    ReviewerQualification.objects.create(
        province=province,
        person=user,
        number=f"SC-{user.pk}",
        issued_on=today - timedelta(days=365),
        valid_until=today + timedelta(days=365),
    )
    return user
