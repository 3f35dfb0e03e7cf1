"""Reports page: a period evaluated from an activity file, figures with unit and ±U (k=2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tanji.accounting.activity import load_activity
from tanji.accounting.factors import load_library
from tanji.accounting.period import evaluate_period
from tanji.web.pages.reports.charts import category_bars
from tests.web.conftest import WebWorld, signed_in

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[3] / "examples/activity-2025-03.yaml"


def test_example_period_shows_both_boundaries_with_uncertainty(
    client: Client, web_world: WebWorld
) -> None:
    signed_in(client, web_world.users["viewer"])
    upload = SimpleUploadedFile(EXAMPLE.name, EXAMPLE.read_bytes())
    reply = client.post(reverse("pages:reports"), {"file": upload})
    body = reply.content.decode()
    assert reply.status_code == 200
    result = evaluate_period(load_activity(EXAMPLE), load_library())
    clinker = next(r for b, r in result.boundaries.items() if b.value == "clinker")
    expanded = float(f"{2 * clinker.u_co2_t:.2g}")  # U = k·u, k = 2, two significant digits
    assert expanded > 100
    assert f"{clinker.co2_t:.6g} ± {expanded:.0f} t CO2" in body
    assert "化石燃料燃烧" in body
    assert "核算法" in body
    assert 'id="boundary-enterprise"' in body


def test_unreadable_file_is_refused_in_chinese(client: Client, web_world: WebWorld) -> None:
    signed_in(client, web_world.users["viewer"])
    upload = SimpleUploadedFile("period.txt", b"nothing")
    reply = client.post(reverse("pages:reports"), {"file": upload})
    assert reply.status_code == 400
    assert "Excel" in reply.content.decode()


def test_category_chart_stacks_to_the_boundary_totals() -> None:
    result = evaluate_period(load_activity(EXAMPLE), load_library())
    option = category_bars(result)
    for index, (_boundary, total) in enumerate(result.boundaries.items()):
        stacked = sum(series["data"][index] for series in option["series"])
        assert stacked == pytest.approx(total.co2_t, abs=0.01)
