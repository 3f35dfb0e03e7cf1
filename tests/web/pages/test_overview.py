"""Overview and metering pages: figures of the visible plants only, each with its unit."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tanji.web.pages.overview.charts import capacity_bars, pie
from tests.web.conftest import WebWorld, signed_in

pytestmark = pytest.mark.django_db


def test_overview_counts_only_the_users_enterprise(client: Client, web_world: WebWorld) -> None:
    signed_in(client, web_world.users["viewer"])
    body = client.get(reverse("pages:overview")).content.decode()
    capacity = web_world.tenants["A"].line.design_capacity_t_per_d
    assert f"{capacity:.6g} t/d" in body
    assert str(web_world.tenants["B"].enterprise) not in body


def test_metering_lists_sources_with_their_tags(client: Client, web_world: WebWorld) -> None:
    signed_in(client, web_world.users["metering_staff"])
    body = client.get(reverse("pages:metering")).content.decode()
    assert web_world.tenants["A"].tag.code in body
    assert str(web_world.tenants["B"].source.code) not in body or (
        web_world.tenants["B"].source.code == web_world.tenants["A"].source.code
    )


def test_chart_builders() -> None:
    assert pie("t", {"a": 2})["series"][0]["data"] == [{"name": "a", "value": 2}]
    bars = capacity_bars({"甲": 5000.0})
    assert bars["series"][0]["data"] == [5000.0]
    assert bars["yAxis"]["name"] == "t/d"
