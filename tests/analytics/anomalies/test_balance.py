import numpy as np

from tanji.analytics.anomalies import AnomalyKind, Balance, Series, balance_drift

HOUR = 3_600_000
BALANCE = Balance("FEED", "CLINKER", "kiln feed / clinker")


def _pair(gain: np.ndarray, seed: int = 4) -> tuple[Series, Series, tuple[int, int]]:
    """Minute series of clinker and kiln feed (ratio 1.55, 0.3 % noise) with a feed gain."""
    rng = np.random.default_rng(seed)
    minutes = gain.size * 60
    ts = np.arange(minutes, dtype=np.int64) * 60_000
    clinker = 208.0 * (1 + 0.003 * rng.standard_normal(minutes))
    feed = 1.55 * clinker * np.repeat(gain, 60) * (1 + 0.003 * rng.standard_normal(minutes))
    return Series("FEED", ts, feed), Series("CLINKER", ts, clinker), (0, minutes * 60_000)


def test_a_drifting_feed_scale_is_found_from_about_where_it_starts() -> None:
    gain = np.ones(240)
    gain[100:] = 1.0 + 0.01 * np.arange(140) / 24  # 1 %/day from hour 100
    feed, clinker, window = _pair(gain)
    found = balance_drift(BALANCE, feed, clinker, window)
    assert len(found) == 1
    drift = found[0]
    assert drift.kind is AnomalyKind.DRIFT
    assert drift.tag == "FEED"
    assert 100 * HOUR <= drift.start_ms <= 130 * HOUR  # change point, before the alarm
    assert drift.end_ms == 240 * HOUR
    assert "against CLINKER" in drift.detail


def test_shifts_within_the_tolerance_are_quiet() -> None:
    gain = np.ones(240)
    gain[100:] = 1.006  # a step of 0.6 %, inside the 1 % tolerance of two class-0.5 scales
    feed, clinker, window = _pair(gain)
    assert balance_drift(BALANCE, feed, clinker, window) == []


def test_too_short_a_window_has_no_baseline() -> None:
    feed, clinker, window = _pair(np.ones(20))
    assert balance_drift(BALANCE, feed, clinker, window) == []
