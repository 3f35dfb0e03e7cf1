"""The demo data set: complete (every role, source kind, ~30 tags per line) and idempotent.

One build serves all checks (building takes seconds); the second build must create nothing and
write no audit entry.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command

from tanji.demo.builder import DemoSummary, build_demo
from tanji.metrology import signing
from tanji.metrology.models import Instrument
from tanji.plant.choices import SOURCE_KINDS
from tanji.plant.models import CarbonFlowDiagram, EmissionSource, ProductionLine, Tag
from tanji.tenancy.actor import Actor
from tanji.tenancy.choices import RoleChoices
from tanji.tenancy.models import AuditEntry, Enterprise, Membership, User

pytestmark = pytest.mark.django_db


def _check_tenants() -> None:
    enterprises = list(Enterprise.objects.all())
    assert len(enterprises) >= 4
    assert len({e.city for e in enterprises}) == len(enterprises)
    assert {"420100", "420200", "420500", "420800"} <= {e.city for e in enterprises}
    lines_per_enterprise = Counter(ProductionLine.objects.values_list("enterprise_id", flat=True))
    two_line = [e for e, n in lines_per_enterprise.items() if n == 2]
    assert two_line
    assert {
        line.design_capacity_t_per_d
        for line in ProductionLine.objects.filter(enterprise_id=two_line[0])
    } == {5000}
    enterprise_kinds = set(
        EmissionSource.objects.filter(enterprise_id=two_line[0]).values_list("kind", flat=True)
    )
    assert enterprise_kinds == set(SOURCE_KINDS)


def _check_lines() -> None:
    line_kinds = {k for k, v in SOURCE_KINDS.items() if v.per_line}
    for line in ProductionLine.objects.all():
        assert {s.kind for s in line.sources.all()} >= line_kinds - {"other_alternative_fuel"}
        tags = list(line.tags.all())
        assert len(tags) >= 30
        roles = Counter(t.accounting_role for t in tags)
        assert roles["cems"] >= 6
        assert roles["activity"] >= 20
        assert CarbonFlowDiagram.objects.get(line=line).edges.count() >= 15
        counters = [t for t in tags if t.aggregation == "total_increasing"]
        assert counters
        assert all(t.rollover_max for t in counters)
    clinker = Tag.objects.get(enterprise__city="420100", code="L1-CLINKER-RATE")
    assert (clinker.unit, clinker.range_max) == ("t/h", 300)  # ≥ 208 t/h of a 5000 t/d line


def _check_instruments() -> None:
    instruments = Instrument.objects.all()
    assert instruments.count() >= 4 * 20
    assert all(i.accuracy_class and i.responsible_id for i in instruments)
    assert {"0.2S", "0.5S", "0.5"} <= set(instruments.values_list("accuracy_class", flat=True))
    unlinked = [i.code for i in instruments if not i.tags.exists()]
    assert unlinked == []
    on_diagram = instruments.exclude(location=None)
    assert all(i.location.enterprise_id == i.enterprise_id for i in on_diagram)


def _check_users(summary: DemoSummary) -> None:
    assert {m.role for m in Membership.objects.all()} == set(RoleChoices.values)
    assert all(login.password and len(login.password) >= 16 for login in summary.logins)
    operator = User.objects.get(username="operator")
    assert operator.check_password(
        next(x.password for x in summary.logins if x.username == "operator")
    )
    regulator = Actor.for_user(User.objects.get(username="hubei.regulator"))
    assert regulator.can("view", Enterprise.objects.first())  # type: ignore[arg-type]


def test_demo_is_complete_and_idempotent() -> None:
    summary = build_demo()
    assert summary.created > 500
    _check_tenants()
    _check_lines()
    _check_instruments()
    _check_users(summary)
    reviewer = User.objects.get(username="hubei.metrology")
    for enterprise in Enterprise.objects.all():  # the demo reviewer may decide on its pages
        assert signing.may_review(Actor.system(), enterprise, reviewer.pk, date(2026, 6, 30))
    entries = AuditEntry.objects.count()
    again = build_demo()
    assert again.created == 0
    assert AuditEntry.objects.count() == entries
    assert all(login.password is None for login in again.logins)
    assert [x.username for x in again.logins] == [x.username for x in summary.logins]


def test_management_command_prints_logins(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo_data")
    out = capsys.readouterr().out
    assert "DEMO-ONLY" in out
    assert "chujiang.metering" in out
    assert "hubei.regulator" in out
