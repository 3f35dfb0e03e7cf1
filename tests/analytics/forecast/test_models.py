import numpy as np
import pytest

from tanji.analytics.errors import AnalyticsError
from tanji.analytics.forecast import level_forecast, plan_forecast

REPLICATIONS = 300


def _local_level(rng: np.random.Generator, n: int, alpha: float, sigma: float) -> np.ndarray:
    """A series drawn from ETS(A,N,N) itself: the model's intervals must hold on it."""
    errors = rng.normal(0.0, sigma, n)
    level, out = 1000.0, np.empty(n)
    for i, e in enumerate(errors):
        out[i] = level + e
        level += alpha * e
    return out


def test_level_intervals_cover_the_nominal_fraction_on_a_known_noise() -> None:
    rng = np.random.default_rng(20250601)
    days, inside_total = [], []
    for _ in range(REPLICATIONS):
        y = _local_level(rng, 120, 0.3, 20.0)
        forecast = level_forecast(y[:90], 30, coverage=0.9)
        lower, upper = forecast.interval()
        days.append(np.mean((y[90:] >= lower) & (y[90:] <= upper)))
        mean, sd = forecast.block(0, 29)
        inside_total.append(abs(y[90:].sum() - mean) <= forecast.z * sd)
    # Nominal 90 %; the binomial standard error over the replications is about 1.7 %, and the
    # estimated α and σ lose a little coverage (Hyndman et al. 2008, §6.4).
    assert np.mean(days) == pytest.approx(0.9, abs=0.04)
    assert np.mean(inside_total) == pytest.approx(0.9, abs=0.07)


def test_level_forecast_recovers_the_smoothing_parameter_and_noise() -> None:
    y = _local_level(np.random.default_rng(3), 2000, 0.3, 5.0)
    forecast = level_forecast(y, 10)
    assert forecast.parameters["alpha"] == pytest.approx(0.3, abs=0.06)
    assert forecast.parameters["sigma"] == pytest.approx(5.0, rel=0.05)
    assert np.all(np.diff(forecast.sd) > 0)  # uncertainty grows with the horizon


def test_block_variance_matches_a_simulation_of_the_model() -> None:
    forecast = level_forecast(_local_level(np.random.default_rng(5), 400, 0.4, 3.0), 20)
    alpha, sigma = forecast.parameters["alpha"], forecast.parameters["sigma"]
    errors = np.random.default_rng(6).normal(0.0, sigma, (50_000, 20))
    paths = errors + alpha * np.cumsum(np.pad(errors[:, :-1], ((0, 0), (1, 0))), axis=1)
    _, sd = forecast.block(5, 14)
    assert sd == pytest.approx(paths[:, 5:15].sum(axis=1).std(), rel=0.02)


def test_plan_forecast_follows_the_plan_with_covering_intervals() -> None:
    rng = np.random.default_rng(11)
    inside = []
    for _ in range(REPLICATIONS):
        plan = rng.uniform(4000.0, 5200.0, 90)
        y = 50.0 + 0.84 * plan + rng.normal(0.0, 30.0, 90)
        forecast = plan_forecast(y[:60], plan[:60], plan[60:], coverage=0.9)
        lower, upper = forecast.interval()
        inside.append(np.mean((y[60:] >= lower) & (y[60:] <= upper)))
    assert np.mean(inside) == pytest.approx(0.9, abs=0.03)
    assert forecast.parameters["slope"] == pytest.approx(0.84, abs=0.05)


@pytest.mark.parametrize(
    ("history", "horizon", "coverage", "code"),
    [
        (np.ones(3), 5, 0.9, "analytics.short_history"),
        (np.r_[np.ones(10), np.nan], 5, 0.9, "analytics.short_history"),
        (np.ones(10), 0, 0.9, "analytics.bad_horizon"),
        (np.ones(10), 5, 1.0, "analytics.bad_coverage"),
    ],
)
def test_bad_input_is_refused_with_a_code(
    history: np.ndarray, horizon: int, coverage: float, code: str
) -> None:
    with pytest.raises(AnalyticsError) as error:
        level_forecast(history, horizon, coverage)
    assert error.value.code == code


def test_plan_history_must_match_the_history() -> None:
    with pytest.raises(AnalyticsError) as error:
        plan_forecast(np.ones(10), np.ones(9), np.ones(3))
    assert error.value.params == {"n": 10, "m": 9}
