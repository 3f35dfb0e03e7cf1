"""Provincial supervision: the regulator sees its province's enterprises on one screen."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from tanji.web.pages.province.charts import (
    EnterprisePoint,
    capacity_by_city,
    province_map,
    province_scatter,
    symbol_size,
)
from tests.web.conftest import WebWorld, signed_in

pytestmark = pytest.mark.django_db


def test_regulator_sees_every_enterprise_of_its_province_and_none_of_another(
    client: Client, web_world: WebWorld
) -> None:
    signed_in(client, web_world.users["regulator"])
    page = client.get(reverse("pages:province")).content.decode()
    for name in ("A", "B"):
        assert str(web_world.tenants[name].enterprise) in page
    assert str(web_world.tenants["C"].enterprise) not in page


def test_drill_down_is_read_only(client: Client, web_world: WebWorld) -> None:
    signed_in(client, web_world.users["regulator"])
    enterprise = web_world.tenants["B"].enterprise
    page = client.get(reverse("pages:province_enterprise", args=[enterprise.pk]))
    assert page.status_code == 200
    assert str(web_world.tenants["B"].line) in page.content.decode()
    edit = reverse("pages:sites_edit", args=[web_world.tenants["B"].site.pk])
    assert client.get(edit).status_code == 403


@pytest.mark.parametrize("role", ["enterprise_admin", "viewer", "verifier", "lab_staff"])
def test_enterprise_roles_are_refused(client: Client, web_world: WebWorld, role: str) -> None:
    signed_in(client, web_world.users[role])
    assert client.get(reverse("pages:province")).status_code == 403


def test_map_places_each_enterprise_at_its_city(client: Client, web_world: WebWorld) -> None:
    signed_in(client, web_world.users["regulator"])
    page = client.get(reverse("pages:province")).content.decode()
    assert "111.2" in page  # Yichang's longitude (tenant A)
    assert 'data-chart-map="hubei"' in page
    assert "hubei.geo.json" in page
    option = province_map([EnterprisePoint("甲", "宜昌市", 111.29, 30.69, 5000.0, "/x")])
    assert option["geo"]["map"] == "hubei"
    point = option["series"][1]["data"][0]
    assert option["series"][1]["coordinateSystem"] == "geo"
    assert point["value"] == [111.29, 30.69, 5000.0]
    assert json.dumps(option, ensure_ascii=False)


def test_prefectures_are_shaded_by_their_total_capacity() -> None:
    points = [
        EnterprisePoint("甲", "宜昌市", 111.29, 30.69, 5000.0, "/a"),
        EnterprisePoint("乙", "宜昌市", 111.30, 30.70, 2500.0, "/b"),
        EnterprisePoint("丙", "黄石市", 115.04, 30.20, 4000.0, "/c"),
    ]
    totals = capacity_by_city(points)
    assert len(totals) == 17  # every prefecture of Hubei, shaded 0 where no kiln
    assert totals["宜昌市"] == 7500.0
    assert totals["黄石市"] == 4000.0
    assert totals["武汉市"] == 0.0
    option = province_map(points)
    assert option["visualMap"]["max"] == 7500.0
    shaded = {d["name"]: d["value"] for d in option["series"][0]["data"]}
    assert shaded == totals


def test_marker_area_grows_with_capacity() -> None:
    assert symbol_size(0) == 8.0
    assert symbol_size(10000) == pytest.approx(2 * symbol_size(2500))


def test_without_outlines_the_same_markers_stand_on_longitude_and_latitude() -> None:
    points = [EnterprisePoint("甲", "宜昌市", 111.29, 30.69, 5000.0, "/a")]
    option = province_scatter(points)
    assert "geo" not in option
    assert (option["xAxis"]["type"], option["yAxis"]["type"]) == ("value", "value")
    assert option["series"][0]["data"] == province_map(points)["series"][1]["data"]
