"""Diagram JSON round trip, Excel ledger import with row errors, ECharts options as data."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from openpyxl import Workbook

from tanji.metrology import charts, exchange, ledger_xlsx, queries
from tanji.metrology.live import edge_quantities
from tanji.metrology.models import CalibrationAlert
from tanji.plant.models import CarbonFlowDiagram
from tanji.tenancy.actor import Actor
from tanji.timeseries.store import store_for
from tests.metrology.factories import CertificateFactory, InstrumentFactory
from tests.plant.factories import EdgeFactory, LineFactory, TagFactory
from tests.tenancy.factories import EnterpriseFactory, member

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system()


def _document() -> tuple[dict[str, Any], Any]:
    edge = EdgeFactory()
    InstrumentFactory(enterprise=edge.enterprise, code="BS-1", location=edge)
    return exchange.export_diagram(SYSTEM, edge.diagram_id), edge


def test_export_then_import_on_another_line_round_trips() -> None:
    document, edge = _document()
    assert document["edges"][0]["instruments"] == ["BS-1"]
    line = LineFactory(site__enterprise=edge.enterprise)
    moved = dict(document, edges=[dict(document["edges"][0], key="copy", instruments=[])])
    diagram = exchange.import_diagram(SYSTEM, line.pk, moved)
    again = exchange.export_diagram(SYSTEM, diagram.pk)
    assert again["nodes"] == document["nodes"]
    assert [e["key"] for e in again["edges"]] == ["copy"]


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d.update(format="x"), "format"),
        (lambda d: d.update(nodes=[]), "nodes"),
        (lambda d: d["nodes"][0].update(kind="volcano"), "nodes[0].kind"),
        (lambda d: d["nodes"].append(dict(d["nodes"][0])), "nodes[2].key"),
        (lambda d: d["edges"][0].update(to="nowhere"), "edges[0].to"),
        (lambda d: d["edges"][0].update(medium="plasma"), "edges[0].medium"),
        (lambda d: d["edges"][0].pop("name_zh"), "edges[0].name_zh"),
        (lambda d: d["edges"][0].update(instruments=["GHOST"]), "edges[0]"),
    ],
)
def test_import_names_the_faulty_path(mutate: Any, path: str) -> None:
    document, edge = _document()
    mutate(document)
    line = LineFactory(site__enterprise=edge.enterprise)
    with pytest.raises(exchange.DiagramFormatError) as caught:
        exchange.import_diagram(SYSTEM, line.pk, document)
    assert caught.value.params["path"] == path
    assert not CarbonFlowDiagram.objects.filter(line=line).exists()


def _sheet(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "台账"
    sheet.append(list(ledger_xlsx.COLUMNS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row(code: str, user: str, **changes: Any) -> list[Any]:
    values = {
        "code": code,
        "name_zh": "皮带秤",
        "instrument_type": "belt_scale",
        "maker": "赛摩",
        "model": "ICS",
        "serial_number": "1",
        "range_min": 0,
        "range_max": 300,
        "range_unit": "t/h",
        "accuracy_class": "0.5",
        "metering_level": "equipment",
        "energy_kind": "coal",
        "use": "fuel_dynamic_weighing",
        "measured_medium": "煤",
        "install_location": "煤磨",
        "installed_on": "2024-05-01",
        "responsible": user,
    }
    values.update(changes)
    return [values[c] for c in ledger_xlsx.COLUMNS]


def test_excel_import_creates_updates_and_exports() -> None:
    e = EnterpriseFactory()
    staff = member("metering_staff", e)
    existing = InstrumentFactory(enterprise=e, code="A", responsible=staff)
    counts = ledger_xlsx.import_ledger_xlsx(
        SYSTEM, e.pk, _sheet([_row("A", staff.username, maker="新厂家"), _row("B", staff.username)])
    )
    assert counts == {"created": 1, "updated": 1}
    existing.refresh_from_db()
    assert existing.maker == "新厂家"
    book = ledger_xlsx.export_ledger_xlsx(SYSTEM, e.pk, 2025)
    assert ledger_xlsx.import_ledger_xlsx(SYSTEM, e.pk, book) == {"created": 0, "updated": 2}


def test_excel_import_reports_every_faulty_row_and_writes_nothing() -> None:
    e = EnterpriseFactory()
    staff = member("metering_staff", e)
    rows = [
        _row("OK", staff.username),
        _row("N", staff.username, range_max="lots"),
        _row("D", staff.username, installed_on="yesterday"),
        _row("U", "nobody"),
        _row("R", staff.username, range_min=500),
        _row("C", staff.username, accuracy_class="9.9"),
    ]
    with pytest.raises(ledger_xlsx.LedgerImportError) as caught:
        ledger_xlsx.import_ledger_xlsx(SYSTEM, e.pk, _sheet(rows))
    faults = [(f["row"], f["column"]) for f in caught.value.params["errors"]]
    assert faults == [
        (3, "range_max"),
        (4, "installed_on"),
        (5, "responsible"),
        (6, "range_max"),
        (7, "accuracy_class"),
    ]
    assert not queries.instruments(SYSTEM).filter(enterprise=e).exists()


def test_excel_import_refuses_other_files() -> None:
    e = EnterpriseFactory()
    with pytest.raises(ledger_xlsx.LedgerImportError) as caught:
        ledger_xlsx.import_ledger_xlsx(SYSTEM, e.pk, b"PK\x03\x04 not really")
    assert caught.value.code == "metrology.ledger_not_xlsx"


def test_graph_option_colours_edges_by_metrology_state() -> None:
    document, _ = _document()
    option = charts.graph_option(
        document, {document["edges"][0]["key"]: (212.4, "t/h")}, {"BS-1": "overdue"}
    )
    [link] = option["series"][0]["links"]
    assert link["lineStyle"]["color"] == charts.STATE_COLOURS["overdue"]
    assert link["label"]["formatter"].endswith("BS-1\n212 t/h")
    assert {n["id"] for n in option["series"][0]["data"]} == {link["source"], link["target"]}


def test_sankey_leaves_out_edges_that_close_a_cycle() -> None:
    nodes = [
        {"key": k, "name_zh": k.upper(), "kind": "process_unit", "x": 0, "y": 0}
        for k in ("grid", "mill", "kiln", "whr")
    ]
    edges = [
        {"key": key, "from": a, "to": b, "name_zh": key}
        for key, a, b in (
            ("p", "grid", "mill"),
            ("m", "mill", "kiln"),
            ("h", "kiln", "whr"),
            ("back", "whr", "grid"),
            ("z", "kiln", "mill"),
        )
    ]
    option = charts.sankey_option(
        {"nodes": nodes, "edges": edges},
        {"p": 10.0, "m": 8.0, "h": 3.0, "back": 2.0, "z": 0.0},
        "MWh",
    )
    assert [(lk["source"], lk["target"], lk["value"]) for lk in option["series"][0]["links"]] == [
        ("GRID", "MILL", 10.0),
        ("MILL", "KILN", 8.0),
        ("KILN", "WHR", 3.0),
    ]
    assert option["dropped"] == ["back"]


def test_alert_command_raises_once() -> None:
    CertificateFactory(next_due_on=date(2025, 5, 1))
    out = io.StringIO()
    call_command("metrology_alerts", "--at", "2025-06-01", stdout=out)
    call_command("metrology_alerts", "--at", "2025-06-01", stdout=out)
    assert CalibrationAlert.objects.count() == 1
    assert "1 alert(s) raised" in out.getvalue()
    assert "0 alert(s) raised" in out.getvalue()


def test_live_quantities_take_the_latest_valid_sample_of_the_hour() -> None:
    edge = EdgeFactory()
    tag = TagFactory(enterprise=edge.enterprise, line=None, source=None, quantity_kind="mass_flow")
    scale = InstrumentFactory(enterprise=edge.enterprise, location=edge)
    scale.tags.add(tag)
    at = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    ms = int(at.timestamp() * 1000)
    store_for(connection).write(
        [
            (tag.pk, ms - 7_200_000, 99.0, "N"),
            (tag.pk, ms - 120_000, 210.5, "N"),
            (tag.pk, ms - 60_000, 0.0, "D"),
        ]
    )
    assert edge_quantities(SYSTEM, edge.diagram_id, at) == {edge.key: (210.5, "t/h")}
    assert edge_quantities(SYSTEM, edge.diagram_id, datetime(2025, 6, 2, tzinfo=UTC)) == {}
