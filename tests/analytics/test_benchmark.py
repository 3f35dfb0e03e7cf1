import pytest

from tanji.analytics.benchmark import (
    REFERENCES,
    Confidence,
    position,
    rank,
    reference,
    references,
    standard_coal_kgce_per_t,
)
from tanji.analytics.errors import AnalyticsError


def test_ranking_is_lowest_first_with_mid_rank_percentiles() -> None:
    ranked = rank({"A": 0.86, "B": 0.82, "C": 0.86, "D": 0.90, "E": float("nan")})
    assert [(r.name, r.rank) for r in ranked] == [("B", 1), ("A", 2), ("C", 3), ("D", 4)]
    assert [r.percentile for r in ranked] == pytest.approx([100.0, 50.0, 50.0, 0.0])


def test_a_single_peer_ranks_first() -> None:
    assert [(r.rank, r.percentile) for r in rank({"A": 0.8})] == [(1, 0.0)]


def test_standard_coal_from_heat() -> None:
    # 3.1 GJ/t = 3100 MJ/t ÷ 29.3076 MJ/kgce (GB/T 2589-2020) = 105.775 kgce/t
    assert standard_coal_kgce_per_t(3.1 * 1000.0, 1000.0) == pytest.approx(105.775, abs=1e-3)
    with pytest.raises(AnalyticsError):
        standard_coal_kgce_per_t(1.0, 0.0)


def test_recalled_values_are_marked_as_such() -> None:
    assert reference("coal.benchmark").confidence is Confidence.RECALLED
    assert reference("coal.baseline").value == 117.0
    assert reference("co2_clinker.process_default").confidence is Confidence.THIRD_PARTY
    assert {r.metric for r in REFERENCES} >= {"co2_t_per_t", "coal_kgce_per_t"}
    assert all(r.low <= r.value <= r.high and r.source for r in REFERENCES)
    with pytest.raises(AnalyticsError) as error:
        reference("nope")
    assert error.value.code == "analytics.unknown_reference"


def test_position_against_a_band() -> None:
    band = references("co2_t_per_t")[0]
    assert [position(v, band) for v in (0.80, 0.85, 0.90)] == ["below", "within", "above"]
