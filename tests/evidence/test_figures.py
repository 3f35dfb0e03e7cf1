"""The figure recomputer on decoded payloads: pass, fail and skip, each with a precise detail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tanji.accounting.errors import AccountingError
from tanji.accounting.factors import load_library
from tanji.evidence.figures import FigureSpec, claim_figure, recompute_figure
from tanji.protocols.readings import Batch, QualityFlag, Reading, encode_batch
from tanji.trust.bundle_document import FigureClaim, FigureInput

T0 = datetime(2025, 6, 10, 8, 0, tzinfo=UTC)
LIBRARY = load_library()
STATED = {"version": LIBRARY.version, "digest": LIBRARY.digest}
COAL = "fuel.gbt32151_2015.bituminous_coal"


def payload(seq: int, values: list[float], flag: QualityFlag = QualityFlag.NORMAL) -> bytes:
    readings = tuple(
        Reading("L1.COAL", T0 + timedelta(minutes=seq * 10 + i), v, "t/h", flag)
        for i, v in enumerate(values)
    )
    return encode_batch(Batch("T-1", seq, T0, readings))


PAYLOADS = {"a": payload(1, [12.0, 13.0]), "b": payload(2, [14.0]), "c": payload(3, [99.0])}
COAL_SPEC = FigureSpec(
    "fuel_combustion",
    {
        "consumption_t": "total(L1.COAL, t/h, 60)",
        "ncv_gj_per_t": f"factor({COAL}.ncv)",
        "carbon_content_tc_per_gj": f"factor({COAL}.carbon_content)",
        "oxidation_rate": f"factor({COAL}.oxidation_rate)",
    },
    period=(T0, T0 + timedelta(minutes=30)),  # the 99 t/h reading at minute 30 is outside
)
# 39 t/h·min / 60 = 0.65 t × 19.57 × 0.02618 × 0.98 × 44/12 (GB/T 32151.8, worked by hand).
EXPECTED = 0.65 * 19.57 * 0.02618 * 0.98 * 44 / 12


def test_claim_and_recompute_agree() -> None:
    claim = claim_figure(COAL_SPEC, PAYLOADS, LIBRARY)
    assert float(claim.value) == pytest.approx(EXPECTED, rel=1e-12)
    assert claim.inputs["consumption_t"].sources == ("a", "b", "c")
    assert claim.inputs["ncv_gj_per_t"].sources == ()
    check = recompute_figure(claim, PAYLOADS, STATED)
    assert check.status == "pass", check.detail
    assert "consumption_t=0.65 (total of 3 readings of L1.COAL)" in check.detail
    assert f"factor {COAL}.ncv, {LIBRARY.version}" in check.detail


def test_an_edited_claim_fails_with_both_values() -> None:
    claim = claim_figure(COAL_SPEC, PAYLOADS, LIBRARY)
    edited = FigureClaim(claim.formula, claim.inputs, "1.5", claim.unit, None, claim.period)
    check = recompute_figure(edited, PAYLOADS, STATED)
    assert check.status == "fail"
    assert f"recomputed {float(claim.value)!r} t CO2 ≠ claimed 1.5" in check.detail
    assert "relative tolerance 1e-09" in check.detail


def test_flagged_readings_do_not_count() -> None:
    payloads = {**PAYLOADS, "b": payload(2, [14.0], QualityFlag.MAINTENANCE)}
    claim = claim_figure(COAL_SPEC, PAYLOADS, LIBRARY)
    check = recompute_figure(claim, payloads, STATED)
    assert check.status == "fail"
    assert "total of 2 readings" in check.detail


def test_readings_only_figure_needs_no_factor_library() -> None:
    spec = FigureSpec("process_toc", {"raw_meal_t": "sum(L1.COAL, t/h)", "toc_fraction": "x"})
    with pytest.raises(AccountingError):
        claim_figure(spec, PAYLOADS, LIBRARY)
    inputs = {
        "raw_meal_t": FigureInput("a", "sum(L1.COAL, t/h)"),
        "toc_fraction": FigureInput("b", "mean(L1.COAL, t/h)"),
    }
    # GB/T 32151.8 TOC: raw meal × TOC × 44/12 = 25 × 14 × 44/12 (a unit-free toy on purpose).
    claim = FigureClaim("process_toc", inputs, repr(25 * 14 * 44 / 12), "t CO2")
    assert recompute_figure(claim, PAYLOADS, None).status == "pass"


@pytest.mark.parametrize(
    ("claim", "stated", "status", "words"),
    [
        (FigureClaim("heat", {"v": FigureInput("a", "v")}, "1", "t"), STATED, "skip",
         "is not an input reference"),
        (FigureClaim("nope", {"v": FigureInput("a", "sum(L1.COAL, t/h)")}, "1", "t"), STATED,
         "skip", "unknown formula 'nope'"),
        (FigureClaim("fuel_combustion", {}, "one", "t"), STATED, "fail", "is not a number"),
        (claim_figure(COAL_SPEC, PAYLOADS), {**STATED, "digest": "00" * 32}, "skip",
         "verify with the matching tanji release"),
        (claim_figure(COAL_SPEC, PAYLOADS), None, "skip", "(none stated)"),
    ],
)  # fmt: skip
def test_what_cannot_be_recomputed_is_said(
    claim: FigureClaim, stated: dict[str, str] | None, status: str, words: str
) -> None:
    check = recompute_figure(claim, PAYLOADS, stated)
    assert check.status == status
    assert words in check.detail


def test_a_record_that_is_not_a_batch_fails() -> None:
    claim = claim_figure(COAL_SPEC, PAYLOADS, LIBRARY)
    check = recompute_figure(claim, {**PAYLOADS, "c": b"{}"}, STATED)
    assert check.status == "fail"
    assert "not reproducible" in check.detail
