"""The bundle document: JSON and zip round trips, precise shape errors, size limits."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from typing import Any

import pytest

from tanji.trust.bundle_document import decode_bundle, encode_bundle, write_bundle_zip
from tanji.trust.errors import BundleError
from tests.trust import factories

BUNDLE = factories.bundle(factories.scenario(records=2))


def test_json_and_zip_round_trips() -> None:
    assert decode_bundle(encode_bundle(BUNDLE)) == BUNDLE
    assert decode_bundle(write_bundle_zip(BUNDLE)) == BUNDLE


def _mutated(path: list[Any], value: Any) -> bytes:
    document = json.loads(encode_bundle(BUNDLE))
    target = document
    for part in path[:-1]:
        target = target[part]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        (["format"], "tanji-evidence-bundle/0", "$.format"),
        (["log"], KeyError, "$.log"),
        (["log", "witnesses"], "w", "$.log.witnesses"),
        (["keys", 0, "enrolled_at"], "yesterday", "$.keys[0].enrolled_at"),
        (["keys", 0, "enrolled_at"], "2025-06-10T08:00:00", "$.keys[0].enrolled_at"),
        (["records", 1, "leaf_index"], -1, "$.records[1].leaf_index"),
        (["records", 1, "leaf_index"], True, "$.records[1].leaf_index"),
        (["records", 0, "entry"], "***", "$.records[0].entry"),
        (["records", 0, "id"], 7, "$.records[0].id"),
        (["figure", "inputs"], [], "$.figure.inputs"),
        (["figure", "claimed"], KeyError, "$.figure.claimed"),
        (["records"], {}, "$.records"),
        (["suite"], KeyError, "$.suite"),
        (["log"], "x", "$.log"),
    ],
)
def test_shape_errors_name_the_json_path(path: list[Any], value: Any, where: str) -> None:
    with pytest.raises(BundleError) as caught:
        decode_bundle(_mutated(path, value))
    assert caught.value.code == "trust.bundle_malformed"
    assert caught.value.params["path"] == where


def test_not_json_and_not_a_bundle_zip() -> None:
    with pytest.raises(BundleError, match="not UTF-8 JSON"):
        decode_bundle(b"\x00\x01")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("other.json", "{}")
    with pytest.raises(BundleError, match=r"bundle\.json"):
        decode_bundle(buffer.getvalue())


def test_size_limits_hold_for_json_and_zip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tanji.trust.bundle_document.MAX_BUNDLE_BYTES", 1000)
    with pytest.raises(BundleError) as caught:
        decode_bundle(encode_bundle(BUNDLE))
    assert caught.value.code == "trust.bundle_too_large"
    with pytest.raises(BundleError) as caught:
        decode_bundle(write_bundle_zip(BUNDLE))
    assert caught.value.code == "trust.bundle_too_large"


def test_duplicate_record_ids_are_refused() -> None:
    document = json.loads(encode_bundle(BUNDLE))
    document["records"][1]["id"] = document["records"][0]["id"]
    with pytest.raises(BundleError) as caught:
        decode_bundle(json.dumps(document).encode())
    assert caught.value.params["path"] == "$.records[1].id"


def test_figure_inputs_over_several_records_or_none_period_and_output_round_trip() -> None:
    from datetime import UTC, datetime

    from tanji.trust.bundle_document import FigureClaim, FigureInput

    period = (datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 7, 1, tzinfo=UTC))
    claim = FigureClaim(
        "fuel_combustion",
        {
            "consumption_t": FigureInput("", "total(C, t/h, 60)", ("r0", "r1")),
            "ncv_gj_per_t": FigureInput("", "factor(fuel.x.ncv)"),
            "legacy": FigureInput("r1", "v"),
        },
        "3.5",
        "t CO2",
        "co2_t",
        period,
    )
    b = dataclasses.replace(factories.bundle(factories.scenario()), figure=claim)
    document = json.loads(encode_bundle(b))
    assert document["figure"]["inputs"]["consumption_t"] == {
        "field": "total(C, t/h, 60)",
        "records": ["r0", "r1"],
    }
    assert document["figure"]["inputs"]["legacy"] == {"field": "v", "record": "r1"}
    assert document["figure"]["period"] == {
        "start": "2025-06-01T00:00:00+00:00",
        "end": "2025-07-01T00:00:00+00:00",
    }
    decoded = decode_bundle(encode_bundle(b)).figure
    assert decoded == claim
    assert decoded is not None
    assert decoded.inputs["consumption_t"].sources == ("r0", "r1")
    assert decoded.inputs["ncv_gj_per_t"].sources == ()
