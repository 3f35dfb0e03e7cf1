"""``tanji audit`` catches edited, deleted and re-ordered lab rows and review events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.db import connection

from tanji.evidence.checkpoints import issue_checkpoint
from tanji.evidence.choices import ChannelChoices, TrustLevelChoices
from tanji.evidence.models import RawEnvelope
from tanji.ingest.audit import audit
from tanji.metrology.models import ReviewEvent
from tanji.plant import lab
from tanji.plant.models import LabAnalysis, LabResult
from tanji.protocols.records import parse_record
from tanji.tenancy.actor import Actor
from tanji.trust.keys import PrivateKey
from tests.metrology.test_reviews import submitted  # noqa: F401  (fixture)
from tests.plant.factories import SourceFactory
from tests.tenancy.factories import member

pytestmark = pytest.mark.django_db
ORIGIN = "tanji.example/log"
SAMPLED = datetime(2026, 3, 2, 8, tzinfo=UTC)


def _analyses() -> list[LabAnalysis]:
    source = SourceFactory()
    actor = Actor.for_user(member("lab_staff", source.enterprise))
    made = []
    for day, cao in ((2, 65.1), (3, 64.8)):
        made.append(
            lab.record_lab_analysis(
                actor,
                enterprise_id=source.enterprise_id,
                line_id=source.line_id,
                sample_id=f"CK-03{day:02d}",
                material="clinker",
                sampled_at=SAMPLED.replace(day=day),
                analysed_at=SAMPLED.replace(day=day, hour=12),
                method_standard="GB/T 176-2017",
                results=[
                    lab.ResultInput("cao", cao, "%", 0.15),
                    lab.ResultInput("mgo", 2.1, "%", 0.05),
                ],
            )
        )
    return made


def _sql(statement: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_every_lab_analysis_is_logged_in_its_transaction() -> None:
    first, second = _analyses()
    rows = RawEnvelope.objects.filter(channel=ChannelChoices.RECORD).order_by("log_index")
    records = [parse_record(bytes(r.body)) for r in rows]
    assert [r["analysis"] for r in records] == [first.pk, second.pk]
    assert {r.trust_level for r in rows} == {TrustLevelChoices.UNSIGNED}
    cao = next(x for x in records[0]["results"] if x["parameter"] == "cao")
    assert (cao["value"], cao["unit"], cao["u"]) == (65.1, "%", 0.15)
    assert records[0]["method_standard"] == "GB/T 176-2017"
    assert records[0]["submitted_by"] == rows[0].submitted_by.username


def test_untouched_lab_rows_and_a_correction_audit_clean(platform: PrivateKey) -> None:
    first, _ = _analyses()
    result = LabResult.objects.get(analysis=first, parameter="cao")
    lab.correct_lab_result(Actor.system(), result.pk, reason="transcription", value=65.3)
    issue_checkpoint(platform, ORIGIN)
    assert audit(platform.public_key(), ORIGIN) == []


def _edit_value(rows: list[LabAnalysis]) -> None:
    _sql("UPDATE plant_labresult SET value = 66.0 WHERE analysis_id = %s AND parameter = 'cao'",
         rows[0].pk)  # fmt: skip


def _edit_uncertainty(rows: list[LabAnalysis]) -> None:
    _sql("UPDATE plant_labresult SET standard_uncertainty = 0.01 WHERE analysis_id = %s",
         rows[1].pk)  # fmt: skip


def _delete_result(rows: list[LabAnalysis]) -> None:
    _sql("DELETE FROM plant_labresult WHERE analysis_id = %s AND parameter = 'mgo'", rows[0].pk)


def _delete_analysis(rows: list[LabAnalysis]) -> None:
    _sql("DELETE FROM plant_labresult WHERE analysis_id = %s", rows[1].pk)
    _sql("DELETE FROM plant_labanalysis WHERE id = %s", rows[1].pk)


def _reorder(rows: list[LabAnalysis]) -> None:
    """Swap the sampling times of the two analyses (their order in time)."""
    a, b = rows
    _sql("UPDATE plant_labanalysis SET sampled_at = %s WHERE id = %s", b.sampled_at, a.pk)
    _sql("UPDATE plant_labanalysis SET sampled_at = %s WHERE id = %s", a.sampled_at, b.pk)


@pytest.mark.parametrize(
    ("tamper", "kind", "where"),
    [
        (_edit_value, "lab.edited", "result cao: logged"),
        (_edit_uncertainty, "lab.edited", "result"),
        (_delete_result, "lab.edited", "result mgo"),
        (_delete_analysis, "lab.deleted", "no longer stored"),
        (_reorder, "lab.edited", "sampled_at"),
    ],
)
def test_tampered_lab_rows_are_found(
    platform: PrivateKey, tamper: Callable[[list[LabAnalysis]], None], kind: str, where: str
) -> None:
    rows = _analyses()
    issue_checkpoint(platform, ORIGIN)
    tamper(rows)
    found = audit(platform.public_key(), ORIGIN)
    assert [d.kind for d in found] == [kind] * len(found)
    assert found
    assert where in found[0].detail
    assert "plant_labanalysis id=" in found[0].location


def test_an_edited_lab_leaf_breaks_the_log(platform: PrivateKey) -> None:
    _analyses()
    issue_checkpoint(platform, ORIGIN)
    row = RawEnvelope.objects.filter(channel=ChannelChoices.RECORD).first()
    assert row is not None
    RawEnvelope.objects.filter(pk=row.pk).update(body=bytes(row.body).replace(b"65.1", b"66.1"))
    kinds = {d.kind for d in audit(platform.public_key(), ORIGIN)}
    assert {"envelope.digest", "log.node_hash", "lab.edited"} <= kinds


def test_review_decisions_are_logged_and_audited(
    platform: PrivateKey,
    submitted: tuple[object, Actor, Actor],  # noqa: F811
) -> None:
    review, _, reviewer = submitted
    from tanji.metrology import reviews

    reviews.transition(reviewer, review.pk, "approve", note="ledger complete")  # type: ignore[attr-defined]
    issue_checkpoint(platform, ORIGIN)
    assert audit(platform.public_key(), ORIGIN) == []
    event = ReviewEvent.objects.get(action="approve")
    _sql("UPDATE metrology_reviewevent SET note = 'rewritten' WHERE id = %s", event.pk)
    found = audit(platform.public_key(), ORIGIN)
    assert [(d.kind, "note" in d.detail) for d in found] == [("review.edited", True)]
    _sql("DELETE FROM metrology_reviewevent WHERE id = %s", event.pk)
    assert [d.kind for d in audit(platform.public_key(), ORIGIN)] == ["review.deleted"]
