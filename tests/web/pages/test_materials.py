"""Materials page: hand entry, CSV/Excel import with a row-level report, charts as data."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from tanji.ingest.signed_lab import submit_signed_lab
from tanji.plant import queries as plant_queries
from tanji.tenancy.actor import Actor
from tanji.web.pages.materials.charts import material_charts, parameter_chart
from tests.ingest.signed import lab_document, registered, signed
from tests.plant.factories import LabAnalysisFactory, LabResultFactory
from tests.web.conftest import WebWorld, signed_in

pytestmark = pytest.mark.django_db

HEADER = (
    "sample_id,material,sampled_at,analysed_at,method_standard,line,"
    "ncv_gj_per_t,ncv_gj_per_t_u,cao_pct\n"
)


def _csv(*rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("lims.csv", (HEADER + "".join(rows)).encode(), "text/csv")


def _import(client: Client, world: WebWorld, upload: SimpleUploadedFile) -> str:
    data = {"enterprise": world.tenants["A"].enterprise.pk, "file": upload}
    reply = client.post(reverse("pages:materials_import"), data)
    assert reply.status_code == 200
    return reply.content.decode()


def test_csv_import_keeps_good_rows_and_reports_the_bad_one(
    client: Client, web_world: WebWorld
) -> None:
    signed_in(client, web_world.users["lab_staff"])
    line = web_world.tenants["A"].line.code
    body = _import(
        client,
        web_world,
        _csv(
            f"M-1,coal,2025-03-01T08:00,2025-03-01T12:00,GB/T 213,{line},22.4,0.1,\n",
            "M-2,coal,2025-03-02T08:00,2025-03-02T12:00,GB/T 213,,twenty,,\n",
            "M-3,raw_meal,2025-03-02T08:00,2025-03-02T12:00,GB/T 176,,,,43.1\n",
        ),
    )
    assert "已记录 2 条化验" in body
    assert "<td>3</td>" in body  # the bad sample is on file line 3
    assert "twenty" in body
    assert "不是数字" in body
    sample_ids = set(plant_queries.lab_analyses(Actor.system()).values_list("sample_id", flat=True))
    assert {"M-1", "M-3"} <= sample_ids
    assert "M-2" not in sample_ids


def test_a_result_the_service_refuses_is_reported_with_its_reason(
    client: Client, web_world: WebWorld
) -> None:
    signed_in(client, web_world.users["lab_staff"])
    body = _import(
        client, web_world, _csv("M-9,raw_meal,2025-03-02T08:00,2025-03-02T12:00,GB/T 176,,,,143\n")
    )
    assert "0–100" in body


def test_missing_columns_are_named(client: Client, web_world: WebWorld) -> None:
    signed_in(client, web_world.users["lab_staff"])
    upload = SimpleUploadedFile("x.csv", b"sample_id,material\nA,coal\n", "text/csv")
    body = _import(client, web_world, upload)
    assert "sampled_at" in body
    assert "文件缺少以下列" in body


def test_excel_import(client: Client, web_world: WebWorld) -> None:
    signed_in(client, web_world.users["lab_staff"])
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        ["sample_id", "material", "sampled_at", "analysed_at", "method_standard", "mgo_pct"]
    )
    sampled, analysed = datetime(2025, 3, 1, 8), datetime(2025, 3, 1, 10)  # noqa: DTZ001
    sheet.append(["X-1", "clinker", sampled, analysed, "GB/T 176", 2.1])  # Excel has no zone
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("lims.xlsx", buffer.getvalue())
    assert "已记录 1 条化验" in _import(client, web_world, upload)


def test_hand_entry_records_an_analysis(client: Client, web_world: WebWorld) -> None:
    signed_in(client, web_world.users["lab_staff"])
    reply = client.post(
        reverse("pages:materials_enter"),
        {
            "enterprise": web_world.tenants["A"].enterprise.pk,
            "sample_id": "H-1",
            "material": "coal",
            "method_standard": "GB/T 213",
            "sampled_at": "2025-03-01 08:00",
            "analysed_at": "2025-03-01 09:00",
            "ncv": "22.9",
            "ncv_u": "0.1",
        },
    )
    assert reply.status_code == 302
    page = client.get(reverse("pages:materials")).content.decode()
    assert "H-1" in page
    assert "22.9 ± 0.2 GJ/t" in page


def test_hand_entry_of_analysis_before_sampling_is_refused(
    client: Client, web_world: WebWorld
) -> None:
    signed_in(client, web_world.users["lab_staff"])
    reply = client.post(
        reverse("pages:materials_enter"),
        {
            "enterprise": web_world.tenants["A"].enterprise.pk,
            "sample_id": "H-2",
            "material": "coal",
            "method_standard": "GB/T 213",
            "sampled_at": "2025-03-01 08:00",
            "analysed_at": "2025-03-01 07:00",
            "ncv": "22.9",
        },
    )
    assert reply.status_code == 400
    assert "早于" in reply.content.decode() or "precedes" in reply.content.decode()


def test_viewer_cannot_import(client: Client, web_world: WebWorld) -> None:
    signed_in(client, web_world.users["viewer"])
    assert client.get(reverse("pages:materials_import")).status_code == 403


def test_chart_has_one_series_per_material_with_unit_in_title(web_world: WebWorld) -> None:
    enterprise = web_world.tenants["A"].enterprise
    coal = LabAnalysisFactory(
        enterprise=enterprise, material="coal", sampled_at=datetime(2025, 3, 1, tzinfo=UTC)
    )
    LabResultFactory(analysis=coal, parameter="ncv", value=22.5, unit="GJ/t")
    results = list(plant_queries.lab_results(Actor.system()).select_related("analysis"))
    option = parameter_chart("ncv", "GJ/t", results)
    assert "GJ/t" in option["title"]["text"]
    points = [p for s in option["series"] for p in s["data"]]
    assert ["2025-03-01T00:00:00+00:00", 22.5] in points
    assert len(material_charts(results)) == 4


def test_material_filter_narrows_history_and_charts(client: Client, web_world: WebWorld) -> None:
    enterprise = web_world.tenants["A"].enterprise
    LabAnalysisFactory(enterprise=enterprise, material="clinker", sample_id="CL-9")
    signed_in(client, web_world.users["viewer"])
    coal_only = client.get(reverse("pages:materials"), {"material": "coal"}).content.decode()
    assert "CL-9" not in coal_only
    everything = client.get(reverse("pages:materials"), {"material": "galaxy"}).content.decode()
    assert "CL-9" in everything


def test_history_marks_analyses_their_author_signed(client: Client, web_world: WebWorld) -> None:
    user = web_world.users["lab_staff"]
    tenant = web_world.tenants["A"]
    key, _row = registered(user, tenant.enterprise.pk)
    document = lab_document(user, tenant.enterprise.pk, tenant.line.pk, sample_id="CK-SIGNED")
    submit_signed_lab(user, signed(document, key))
    page = signed_in(client, user).get(reverse("pages:materials")).content.decode()
    assert page.count('data-trust="user_signed"') == 1
    assert "本人签名" in page
    row = page[page.index("CK-SIGNED") :]
    assert row.index('data-trust="user_signed"') < row.index("</td>")
