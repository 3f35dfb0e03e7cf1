"""The carbon metering page's live chart endpoint: roles, tenant isolation, engine numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tanji.emissions import queries, services
from tanji.tenancy.actor import Actor
from tanji.tenancy.choices import RoleChoices
from tanji.timeseries.samples import ts_ms
from tests.emissions.factories import SimulatedLine, feed, record_lab, simulated_line
from tests.tenancy.factories import EnterpriseFactory, MembershipFactory
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db

START = datetime(2025, 6, 1, 16, tzinfo=UTC)
END = START + timedelta(hours=4)


@pytest.fixture
def sim() -> SimulatedLine:
    line = simulated_line()
    record_lab(line, START, END)
    feed(line, START, END)
    services.recompute(Actor.system(), line.line.pk, ts_ms(START), ts_ms(END))
    services.recompute_site(Actor.system(), line.line.site_id, ts_ms(START), ts_ms(END))
    return line


def _chart(client: Client, **params: object) -> tuple[int, dict]:  # type: ignore[type-arg]
    reply = client.get(reverse("pages:metering_chart"), params)
    return reply.status_code, reply.json() if reply.status_code in (200, 400) else {}


@pytest.mark.parametrize("role", [RoleChoices.VIEWER, RoleChoices.METERING_STAFF])
def test_chart_lines_equal_the_engine_series_per_source_type(
    client: Client, sim: SimulatedLine, role: str
) -> None:
    user = MembershipFactory(enterprise_id=sim.enterprise_id, role=role).user
    signed_in(client, user)
    until = ts_ms(END) - 1
    status, option = _chart(client, enterprise=sim.enterprise_id, line=sim.line.pk, until=until)
    assert status == 200
    start, stop = option["meta"]["start_ms"], option["meta"]["end_ms"]
    assert stop - start == 6 * 3_600_000
    by_id = {s["id"]: s for s in option["series"]}
    assert set(by_id) == {"fuel", "process", "electricity"}
    actor = Actor.for_user(user)
    for category, line in by_id.items():
        scope = queries.Scope(sim.enterprise_id, sim.line.pk, "clinker", category, False)
        expected = queries.series(actor, scope, start, stop, "hour")
        assert line["data"] == [[t, c] for t, c in zip(expected.ts, expected.co2_t, strict=True)]
    assert len(by_id["fuel"]["data"]) == 4
    for category in by_id:
        assert all(c > 0 for _t, c in by_id[category]["data"])


def test_chart_defaults_to_the_first_visible_enterprise(client: Client, sim: SimulatedLine) -> None:
    signed_in(client, MembershipFactory(enterprise_id=sim.enterprise_id).user)
    status, option = _chart(client, until=ts_ms(END) - 1)
    assert status == 200
    assert any(s["data"] for s in option["series"])


def test_another_enterprises_chart_is_not_found(client: Client, sim: SimulatedLine) -> None:
    outsider = MembershipFactory(enterprise=EnterpriseFactory(), role=RoleChoices.VIEWER).user
    signed_in(client, outsider)
    status, _option = _chart(client, enterprise=sim.enterprise_id, until=ts_ms(END) - 1)
    assert status == 404
    status, option = _chart(client, until=ts_ms(END) - 1)
    assert status == 200
    assert all(not s["data"] for s in option["series"])


def test_anonymous_is_refused(client: Client, sim: SimulatedLine) -> None:
    assert client.get(reverse("pages:metering_chart")).status_code in (302, 403)


def test_bad_parameter_names_the_field(client: Client, sim: SimulatedLine) -> None:
    signed_in(client, MembershipFactory(enterprise_id=sim.enterprise_id).user)
    status, body = _chart(client, hours="six")
    assert status == 400
    assert body["code"] == "web.chart_param"
    assert body["params"] == {"field": "hours", "value": "six"}
    assert body["message"] == "hours 必须是整数，而不是 six。"


def test_metering_page_binds_the_live_chart(client: Client, sim: SimulatedLine) -> None:
    signed_in(client, MembershipFactory(enterprise_id=sim.enterprise_id).user)
    body = client.get(reverse("pages:metering"), {"enterprise": sim.enterprise_id}).content.decode()
    assert (
        f'data-chart-url="{reverse("pages:metering_chart")}?enterprise={sim.enterprise_id}"' in body
    )
    assert 'data-chart-refresh-s="5"' in body
    assert f'<option value="{sim.enterprise_id}" selected>' in body  # the scope form keeps it
