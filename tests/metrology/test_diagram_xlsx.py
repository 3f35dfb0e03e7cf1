"""The carbon-flow diagram as a workbook: the export reads back into the same document."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tanji.metrology import diagram_xlsx, exchange
from tanji.tenancy.actor import Actor
from tests.metrology.factories import InstrumentFactory
from tests.plant.factories import EdgeFactory, LineFactory

pytestmark = pytest.mark.django_db


def test_workbook_round_trip_keeps_nodes_flows_and_placements() -> None:
    edge = EdgeFactory()
    scale = InstrumentFactory(enterprise=edge.enterprise, location=edge, code="BS-1")
    actor = Actor.system()
    original = exchange.export_diagram(actor, edge.diagram_id)
    content = diagram_xlsx.export_diagram_xlsx(actor, edge.diagram_id)
    assert load_workbook(io.BytesIO(content)).sheetnames == ["图", "节点", "流"]
    line = LineFactory(site=edge.diagram.line.site)
    copy = diagram_xlsx.import_diagram_xlsx(actor, line.pk, content)
    imported = exchange.export_diagram(actor, copy.pk)
    assert imported["nodes"] == original["nodes"]
    assert imported["edges"] == original["edges"]
    assert imported["title"] == original["title"]
    scale.refresh_from_db()
    assert scale.location is not None
    assert scale.location.diagram_id == copy.pk


def test_a_non_number_position_names_sheet_row_and_column() -> None:
    edge = EdgeFactory()
    actor = Actor.system()
    book = load_workbook(io.BytesIO(diagram_xlsx.export_diagram_xlsx(actor, edge.diagram_id)))
    book["节点"].cell(row=3, column=5, value="left")  # column 5 is x
    buffer = io.BytesIO()
    book.save(buffer)
    line = LineFactory(site=edge.diagram.line.site)
    with pytest.raises(diagram_xlsx.DiagramSheetError) as caught:
        diagram_xlsx.import_diagram_xlsx(actor, line.pk, buffer.getvalue())
    assert caught.value.code == "metrology.diagram_cell"
    assert dict(caught.value.params) == {
        "sheet": "节点",
        "row": 3,
        "column": "x",
        "expected": "a number",
        "got": "left",
    }
