"""The demo's metrology: metering points, ledger classification, plans, certificates, papers.

Instruments are classified by the suffix of their code (GB 17167 level, energy kind, use, the
required point they fill). Two required points are deliberately left unfitted — coal received at
the works gate (weighed by the supplier) and raw coal into the coal mill — so the compliance
page shows real findings. Certificates cover the demo year; people hold valid papers; the
year-end ledger awaits review.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from tanji.demo.enterprises import DEMO_YEAR
from tanji.metrology import calibration, ledger, personnel, queries, reviews, rules, services
from tanji.metrology.calibration import CertificateFields, add_months
from tanji.metrology.models import Instrument
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.models import Enterprise, Province, User

if TYPE_CHECKING:
    from tanji.demo.builder import Counter

E, SU, EQ, PR = "entity", "sub_unit", "equipment", "process"
#: point suffix → (name, level, energy kind); prefixed with "S1-P-" or "<line>-P-".
SITE_POINTS = {
    "EL-IN": ("关口购入电量", E, "electricity"),
    "EL-OUT": ("上网电量", E, "electricity"),
    "COAL-IN": ("进厂原煤", E, "coal"),
    "DIESEL-FL": ("叉车加油", EQ, "refined_oil"),
}
LINE_POINTS = {
    "COAL-MILL": ("原煤入磨", SU, "coal"),
    "EL-LINE": ("熟料线总用电", SU, "electricity"),
    "WHR": ("余热发电", SU, "waste_energy"),
    "COAL-KH": ("窑头煤粉", EQ, "coal"),
    "COAL-CA": ("分解炉煤粉", EQ, "coal"),
    "DIESEL-IGN": ("点火柴油", EQ, "refined_oil"),
    "MSW": ("生活垃圾", EQ, "alternative_fuel"),
    "CLOTH": ("废布条", EQ, "alternative_fuel"),
    **{
        f"EL-{s}": (f"{s}用电", EQ, "electricity")
        for s in ("CR", "RM", "CM", "KS", "ID", "CO", "AX")
    },
}
C1, DYN = "electricity_class_1", "fuel_dynamic_weighing"
#: instrument suffix → (level, energy kind, use, point suffix or "")
CLASSIFICATION = {
    "EM-GRID-IN": (E, "electricity", C1, "EL-IN"),
    "EM-GRID-OUT": (E, "electricity", C1, "EL-OUT"),
    "FD-FL": (EQ, "refined_oil", "refined_oil_flow", "DIESEL-FL"),
    "FS-KH": (EQ, "coal", DYN, "COAL-KH"),
    "FS-CA": (EQ, "coal", DYN, "COAL-CA"),
    "FM-KF": (PR, "material", "process", ""),
    "BS-CL": (PR, "material", "process", ""),
    "FM-DI": (EQ, "refined_oil", "refined_oil_flow", "DIESEL-IGN"),
    "BS-MSW": (EQ, "alternative_fuel", DYN, "MSW"),
    "BS-CS": (EQ, "alternative_fuel", DYN, "CLOTH"),
    "AN-NCV": (PR, "coal", "process", ""),
    "EM-LT": (SU, "electricity", C1, "EL-LINE"),
    "EM-WHR": (SU, "waste_energy", C1, "WHR"),
    **{
        f"EM-{s}": (EQ, "electricity", C1, f"EL-{s}")
        for s in ("CR", "RM", "CM", "KS", "ID", "CO", "AX")
    },
    "CEMS-GA": (PR, "flue_gas", "process", ""),
    "CEMS-FL": (PR, "flue_gas", "process", ""),
    "CEMS-TT": (PR, "flue_gas", "temperature_compensation", ""),
    "CEMS-PT": (PR, "flue_gas", "pressure_compensation", ""),
}
FIRST_CALIBRATION = date(DEMO_YEAR, 1, 10)
PAPERS_VALID_UNTIL = date(DEMO_YEAR + 2, 12, 31)


def build_metrology(actor: Actor, counter: Counter, enterprise: Enterprise, staff: User) -> None:
    """Points, classification, plans and certificates of one demo enterprise (idempotent)."""
    lines = sorted(
        {i.code.split("-")[0] for i in queries.instruments(actor).filter(enterprise=enterprise)}
        - {"S1"}
    )
    points = _points(actor, counter, enterprise, "S1", SITE_POINTS)
    for line in lines:
        points |= _points(actor, counter, enterprise, line, LINE_POINTS)
    for instrument in queries.instruments(actor).filter(enterprise=enterprise, point=None):
        _classify(actor, counter, instrument, points)
    body, standard = _chain(actor, counter, enterprise)
    for instrument in queries.instruments(actor).filter(enterprise=enterprise, plan=None):
        counter.add(calibration.create_plan(actor, instrument.pk, first_due_on=FIRST_CALIBRATION))
    for instrument in queries.instruments(actor).filter(enterprise=enterprise, certificates=None):
        _certificates(actor, counter, instrument, body, standard)
    _papers(actor, counter, enterprise, staff)
    if not queries.ledger_snapshots(actor).filter(enterprise=enterprise, year=DEMO_YEAR).exists():
        snapshot = ledger.take_ledger_snapshot(actor, enterprise_id=enterprise.pk, year=DEMO_YEAR)
        counter.add(reviews.submit_ledger_update(actor, counter.add(snapshot).pk))


def _points(
    actor: Actor,
    counter: Counter,
    enterprise: Enterprise,
    prefix: str,
    specs: dict[str, tuple[str, str, str]],
) -> dict[str, int]:
    existing = {p.code: p.pk for p in queries.metering_points(actor).filter(enterprise=enterprise)}
    result = {}
    for suffix, (name, level, kind) in specs.items():
        code = f"{prefix}-P-{suffix}"
        result[code] = (
            existing.get(code)
            or counter.add(
                services.create_metering_point(
                    actor,
                    enterprise_id=enterprise.pk,
                    code=code,
                    name_zh=name,
                    level=level,
                    energy_kind=kind,
                )
            ).pk
        )
    return result


def _classify(
    actor: Actor, counter: Counter, instrument: Instrument, points: dict[str, int]
) -> None:
    prefix, _, suffix = instrument.code.partition("-")
    spec = CLASSIFICATION.get(suffix)
    if spec is None or instrument.metering_level != PR or instrument.use != "process":
        return
    level, kind, use, point = spec
    if level == PR and use == "process" and kind == instrument.energy_kind:
        return
    counter.add(
        services.update_instrument(
            actor,
            instrument.pk,
            metering_level=level,
            energy_kind=kind,
            use=use,
            point_id=points[f"{prefix}-P-{point}"] if point else None,
        )
    )


def _chain(actor: Actor, counter: Counter, enterprise: Enterprise) -> tuple[int, int]:
    body = queries.calibration_bodies(actor).filter(enterprise=enterprise).first()
    body = body or counter.add(
        calibration.record_body(
            actor,
            enterprise_id=enterprise.pk,
            name="湖北省计量测试技术研究院",
            accreditation_no="CNAS L0563",
            accreditation_valid_until=date(2029, 6, 30),
        )
    )
    standard = queries.reference_standards(actor).filter(body=body).first()
    standard = standard or counter.add(
        calibration.record_standard(
            actor,
            body_id=body.pk,
            name="省级社会公用计量标准（质量、电能、流量）",
            certificate_no="[2023]鄂社量标证字第001号",
            valid_until=date(2028, 12, 31),
            national_standard="国家计量基准（中国计量科学研究院）",
        )
    )
    return body.pk, standard.pk


def _certificates(
    actor: Actor, counter: Counter, instrument: Instrument, body: int, standard: int
) -> None:
    period = rules.verification_period(instrument.instrument_type, instrument.accuracy_class)
    on, number = FIRST_CALIBRATION, 0
    while on < date(DEMO_YEAR + 1, 1, 1):
        number += 1
        due = add_months(on, period.months)
        code = f"{instrument.code}-{on:%Y%m}-{instrument.enterprise_id:03d}"
        fields = CertificateFields(
            number=code,
            calibrated_on=on,
            body_id=body,
            standard_id=standard,
            method=period.regulation,
            result="pass",
            next_due_on=due,
            expanded_u=_demo_u(instrument.accuracy_class),
            coverage_k=2.0,
        )
        pdf = _pdf(code)
        counter.add(
            calibration.record_certificate(
                actor, instrument.pk, fields, filename=f"{code}.pdf", content=pdf
            )
        )
        on = due


def _demo_u(accuracy_class: str) -> float:
    """A certificate U (%, k = 2) of a third of the class; 1 % for unclassed analysers."""
    try:
        return round(float(accuracy_class.rstrip("S")) / 3, 3)
    except ValueError:
        return 1.0


def _pdf(number: str) -> bytes:
    text = f"(Certificate {number}) Tj".encode("ascii", "replace")
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% " + text + b"\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _papers(actor: Actor, counter: Counter, enterprise: Enterprise, staff: User) -> None:
    if (
        queries.personnel_documents(actor, person_id=staff.pk)
        .filter(enterprise=enterprise)
        .exists()
    ):
        return
    issued = date(DEMO_YEAR - 1, 3, 1)
    counter.add(
        personnel.add_personnel_document(
            actor,
            enterprise_id=enterprise.pk,
            person_id=staff.pk,
            issued_on=issued,
            kind="appointment",
            title="计量管理员任命书",
            valid_until=PAPERS_VALID_UNTIL,
        )
    )
    counter.add(
        personnel.add_personnel_document(
            actor,
            enterprise_id=enterprise.pk,
            person_id=staff.pk,
            issued_on=issued,
            kind="exam",
            title="计量人员考核",
            score=86.0,
        )
    )
    _qualifications(actor, counter, enterprise, staff, issued)


def _qualifications(
    actor: Actor, counter: Counter, enterprise: Enterprise, staff: User, issued: date
) -> None:
    for scope in ("ledger", "calibration", "data"):
        counter.add(
            personnel.add_personnel_document(
                actor,
                enterprise_id=enterprise.pk,
                person_id=staff.pk,
                issued_on=issued,
                kind="qualification",
                title=f"计量人员资格证书（{scope}）",
                scope=scope,
                number=f"HB-JL-{enterprise.pk:03d}-{scope}",
                valid_until=PAPERS_VALID_UNTIL,
            )
        )


def qualify_reviewers(actor: Actor, counter: Counter, province: Province) -> None:
    """File a reviewer qualification for each metrology reviewer of the demo province.

    Review decisions need one valid on the day (R4.2.6); the demo's covers ten years from
    its reporting year, so the demo reviewer can decide on its pages.
    """
    reviewers = tenancy_queries.memberships(actor).filter(
        province=province, role="metrology_reviewer"
    )
    for membership in reviewers:
        if queries.reviewer_qualifications(actor).filter(person_id=membership.user_id).exists():
            continue
        counter.add(
            personnel.add_reviewer_qualification(
                actor,
                province_id=province.pk,
                person_id=membership.user_id,
                number=f"SC-{DEMO_YEAR}-{membership.user_id:03d}",
                issued_on=date(DEMO_YEAR, 1, 1),
                valid_until=date(DEMO_YEAR + 10, 12, 31),
            )
        )
