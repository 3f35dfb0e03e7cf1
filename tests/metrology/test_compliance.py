"""GB 17167 compliance computed from the ledger, checked against a table counted by hand.

The demo plants (tanji.demo): per works 4 site points (grid in, grid out, coal received — not
fitted —, forklift diesel); per line 15 points (coal into the mill — not fitted —, line
electricity, waste-heat power, two coal feeders, ignition diesel, MSW, cloth, 7 equipment
meters). Chujiang has two lines, the other works one.
"""

from __future__ import annotations

import pytest

from tanji.demo.builder import build_demo
from tanji.metrology import compliance, rules
from tanji.tenancy.actor import Actor
from tanji.tenancy.models import Enterprise
from tanji.tenancy.validation import NotFound
from tests.metrology.factories import InstrumentFactory, PointFactory
from tests.tenancy.factories import EnterpriseFactory, member

pytestmark = pytest.mark.django_db


def hand_table(lines: int) -> list[tuple[str, str, int, int, float, float | None, bool | None]]:
    """(level, kind, required, installed, rate %, required %, compliant), counted by hand."""
    return [
        ("entity", "coal", 1, 0, 0.0, 100.0, False),
        ("entity", "electricity", 2, 2, 100.0, 100.0, True),
        ("equipment", "alternative_fuel", 2 * lines, 2 * lines, 100.0, None, None),
        ("equipment", "coal", 2 * lines, 2 * lines, 100.0, 90.0, True),
        ("equipment", "electricity", 7 * lines, 7 * lines, 100.0, 95.0, True),
        ("equipment", "refined_oil", lines + 1, lines + 1, 100.0, 95.0, True),
        ("sub_unit", "coal", lines, 0, 0.0, 100.0, False),
        ("sub_unit", "electricity", lines, lines, 100.0, 100.0, True),
        ("sub_unit", "waste_energy", lines, lines, 100.0, 80.0, True),
    ]


#: GB 17167-2006 Table 3 as printed in standards §8 (copied by hand, not read from the rule file).
TABLE_3 = {
    "fuel_static_weighing": "0.1",
    "fuel_dynamic_weighing": "0.5",
    "electricity_class_1": "0.5S",
    "electricity_class_2": "0.5",
    "electricity_class_3": "1.0",
    "electricity_class_4": "2.0",
    "electricity_class_5": "2.0",
    "electricity_dc": "2.0",
    "refined_oil_flow": "0.5",
    "heavy_oil_flow": "1.0",
    "gas_flow": "2.0",
    "steam_flow": "2.5",
    "water_flow": "2.5",
    "temperature_general": "2.0",
    "temperature_compensation": "1.0",
    "pressure_general": "2.0",
    "pressure_compensation": "1.0",
}


def test_demo_compliance_equals_the_hand_counted_table() -> None:
    build_demo(password_factory=lambda: "demo-password-for-tests")
    actor = Actor.system()
    lines = {"楚江水泥有限公司": 2}
    for enterprise in Enterprise.objects.all():
        n = lines.get(enterprise.name_zh, 1)
        result = compliance.compliance(actor, enterprise.pk)
        got = [
            (
                r.level,
                r.energy_kind,
                r.required_points,
                r.installed_points,
                round(r.rate_pct, 1),
                r.required_pct,
                r.compliant,
            )
            for r in result.rates
        ]
        assert got == hand_table(n), enterprise.name_zh
        # 16 classed instruments per line (2 feeders, diesel, MSW, cloth, 9 meters, T, p) + 3 site
        assert len(result.classes) == 16 * n + 3
        assert all(c.compliant for c in result.classes)
        # The demo sets no stricter in-house class: every required class is Table 3's own.
        assert [r.instrument_code for r in result.classes if r.required != TABLE_3[r.use]] == []
        assert result.rule_version == "gb17167-2006/r1"
        assert result.findings == [
            "GB 17167-2006 4.3.2 表1: entity/coal 0.0% < 100% (missing S1-P-COAL-IN)",
            "GB 17167-2006 4.3.2 表1: sub_unit/coal 0.0% < 100% (missing "
            + ", ".join(f"L{i}-P-COAL-MILL" for i in range(1, n + 1))
            + ")",
        ]


def test_spare_and_retired_instruments_do_not_fill_a_point() -> None:
    point = PointFactory(level="equipment", energy_kind="electricity")
    e = point.enterprise
    for status in ("spare", "retired"):
        InstrumentFactory(enterprise=e, point=point, status=status)
    [row] = compliance.provision_rates(Actor.system(), e.pk)
    assert (row.installed_points, row.compliant) == (0, False)
    InstrumentFactory(enterprise=e, point=point, status="maintenance")
    [row] = compliance.provision_rates(Actor.system(), e.pk)
    assert (row.installed_points, row.rate_pct, row.compliant) == (1, 100.0, True)


def test_rate_just_below_the_requirement_is_flagged() -> None:
    e = EnterpriseFactory()
    points = [
        PointFactory(enterprise=e, level="equipment", energy_kind="electricity") for _ in range(20)
    ]
    for point in points[:19]:
        InstrumentFactory(enterprise=e, point=point)
    [row] = compliance.provision_rates(Actor.system(), e.pk)
    assert (row.rate_pct, row.required_pct, row.compliant) == (95.0, 95.0, True)
    InstrumentFactory(
        enterprise=e,
        point=PointFactory(enterprise=e, level="equipment", energy_kind="electricity"),
        status="spare",
    )
    [row] = compliance.provision_rates(Actor.system(), e.pk)
    assert row.compliant is False
    assert round(row.rate_pct, 2) == 90.48


@pytest.mark.parametrize(
    ("use", "actual", "required_class", "compliant", "expected"),
    [
        ("fuel_static_weighing", "0.5", "", False, "0.1"),
        ("fuel_dynamic_weighing", "0.5", "", True, "0.5"),
        ("electricity_class_1", "0.2S", "", True, "0.5S"),
        ("electricity_class_1", "0.5", "", False, "0.5S"),
        ("electricity_class_1", "unclassed", "", False, "0.5S"),
        ("water_flow", "2.5", "", True, "2.5"),
        ("fuel_dynamic_weighing", "0.5", "0.2", False, "0.2"),  # stricter in-house requirement
        ("process", "1.0", "0.5", False, "0.5"),
    ],
)
def test_class_checks_name_the_required_class(
    use: str, actual: str, required_class: str, compliant: bool, expected: str
) -> None:
    instrument = InstrumentFactory(use=use, accuracy_class=actual, required_class=required_class)
    [row] = compliance.class_checks(Actor.system(), instrument.enterprise_id)
    assert (row.compliant, row.required) == (compliant, expected)
    assert row.clause.startswith("GB 17167-2006 4.3.5") or row.clause == "in-house requirement"


def test_process_instruments_without_requirement_are_not_checked() -> None:
    instrument = InstrumentFactory(use="process")
    assert compliance.class_checks(Actor.system(), instrument.enterprise_id) == ()


def test_compliance_of_another_enterprise_is_not_found() -> None:
    a, b = EnterpriseFactory(), EnterpriseFactory()
    actor = Actor.for_user(member("enterprise_admin", a))
    with pytest.raises(NotFound):
        compliance.compliance(actor, b.pk)


def test_rule_data_names_its_source_and_confidence() -> None:
    for name in (rules.GB17167_FILE, rules.PERIODS_FILE):
        provenance = rules.provenance(name)
        assert provenance.version
        assert provenance.source
        assert provenance.confidence == "R"
    assert rules.required_rate("waste_energy", "equipment") is None
    assert rules.required_rate("steam", "sub_unit").required_pct == 80.0  # type: ignore[union-attr]
    assert rules.verification_period("energy_meter", "0.5S").months == 72
    assert rules.verification_period("energy_meter", "1.0").months == 96
    assert rules.verification_period("belt_scale").regulation == "JJG 195-2019"
    with pytest.raises(rules.RuleError):
        rules.verification_period("unknown_type")
    with pytest.raises(rules.RuleError):
        rules.meets_class("0.5", "9.9")
