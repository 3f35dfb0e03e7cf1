"""Laboratory analyses: results as rows with unit and uncertainty; errors name the row."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tanji.plant import lab, queries
from tanji.tenancy.actor import AccessDenied, Actor
from tanji.tenancy.models import AuditEntry
from tanji.tenancy.validation import InvalidInput
from tests.plant.factories import SourceFactory
from tests.tenancy.factories import member

pytestmark = pytest.mark.django_db
SAMPLED = datetime(2025, 6, 1, 8, tzinfo=UTC)
ANALYSED = datetime(2025, 6, 1, 14, tzinfo=UTC)
COAL = [
    lab.ResultInput("ncv", 22.46, "GJ/t", 0.12),
    lab.ResultInput("carbon_content", 0.02618, "tC/GJ", 0.0004),
    lab.ResultInput("moisture", 8.4, "%", 0.2),
]


def _record(actor: Actor, source: object, results: list[lab.ResultInput], **extra: object):
    return lab.record_lab_analysis(
        actor,
        enterprise_id=source.enterprise_id,
        line_id=source.line_id,  # type: ignore[attr-defined]
        source_id=source.pk,
        sample_id="COAL-0601",
        material="coal",  # type: ignore[attr-defined]
        sampled_at=SAMPLED,
        analysed_at=ANALYSED,
        method_standard="GB/T 213-2008",
        results=results,
        **extra,
    )


def test_lab_staff_record_an_analysis_with_its_results() -> None:
    source = SourceFactory()
    analyst = member("lab_staff", source.enterprise)
    analysis = _record(Actor.for_user(analyst), source, COAL, analyst_id=analyst.pk)
    results = {r.parameter: r for r in queries.lab_results(Actor.system(), analysis_id=analysis.pk)}
    assert results["ncv"].value == 22.46
    assert results["ncv"].standard_uncertainty == 0.12
    assert results["carbon_content"].unit == "tC/GJ"
    assert analysis.analyst == analyst
    assert AuditEntry.objects.filter(object_type="plant.labresult").count() == 3


def test_a_bad_result_names_its_row_and_nothing_is_stored() -> None:
    source = SourceFactory()
    bad = [*COAL[:1], lab.ResultInput("moisture", 108.0, "%")]
    with pytest.raises(InvalidInput) as caught:
        _record(Actor.system(), source, bad)
    assert caught.value.code == "plant.lab_result_invalid"
    assert (caught.value.params["row"], caught.value.params["field"]) == (2, "value")
    assert not queries.lab_analyses(Actor.system()).exists()


@pytest.mark.parametrize(
    ("result", "field"),
    [
        (lab.ResultInput("ncv", 22.0, "kcal/kg"), "unit"),
        (lab.ResultInput("ncv", 22.0, "GJ/t", -0.1), "standard_uncertainty"),
        (lab.ResultInput("sulphur_dioxide", 1.0, "%"), "parameter"),
    ],
)
def test_result_validation(result: lab.ResultInput, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        _record(Actor.system(), SourceFactory(), [result])
    assert caught.value.params["field"] == field


def test_analysis_cannot_precede_sampling_and_needs_results() -> None:
    source = SourceFactory()
    with pytest.raises(InvalidInput) as caught:
        lab.record_lab_analysis(
            Actor.system(),
            enterprise_id=source.enterprise_id,
            sample_id="X",
            material="coal",
            sampled_at=ANALYSED,
            analysed_at=SAMPLED,
            method_standard="GB/T 213",
            results=COAL,
        )
    assert caught.value.params["field"] == "analysed_at"
    with pytest.raises(InvalidInput) as caught:
        _record(Actor.system(), source, [])
    assert caught.value.code == "plant.lab_no_results"


def test_metering_staff_may_not_enter_lab_results() -> None:
    source = SourceFactory()
    with pytest.raises(AccessDenied):
        _record(Actor.for_user(member("metering_staff", source.enterprise)), source, COAL)


def test_correcting_a_result_needs_a_reason_and_is_audited() -> None:
    source = SourceFactory()
    analysis = _record(Actor.system(), source, COAL)
    ncv = analysis.results.get(parameter="ncv")
    actor = Actor.for_user(member("lab_staff", source.enterprise))
    with pytest.raises(InvalidInput) as caught:
        lab.correct_lab_result(actor, ncv.pk, reason=" ", value=22.1)
    assert caught.value.code == "plant.lab_correction_reason"
    lab.correct_lab_result(actor, ncv.pk, reason="transcription error", value=22.1)
    entry = AuditEntry.objects.get(action="correct")
    assert (entry.before["value"], entry.after["value"]) == (22.46, 22.1)
    assert entry.after["reason"] == "transcription error"


def test_viewer_may_not_correct_results() -> None:
    source = SourceFactory()
    analysis = _record(Actor.system(), source, COAL)
    with pytest.raises(AccessDenied):
        lab.correct_lab_result(
            Actor.for_user(member("viewer", source.enterprise)),
            analysis.results.first().pk,
            reason="x",
            value=1.0,
        )
