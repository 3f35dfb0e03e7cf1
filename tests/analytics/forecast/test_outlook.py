import numpy as np
import pytest

from tanji.analytics.errors import AnalyticsError
from tanji.analytics.forecast import WarningLevel, level_forecast, project, project_intensity


def _flat(value: float, noise: float, days: int = 60) -> np.ndarray:
    return value + np.random.default_rng(1).normal(0.0, noise, days)


def test_projection_adds_the_forecast_to_the_actuals() -> None:
    forecast = level_forecast(_flat(4000.0, 50.0), 100)
    result = project(500_000.0, forecast)
    total, sd = forecast.block(0, 99)
    assert result.mean == pytest.approx(500_000.0 + total)
    assert result.upper - result.mean == pytest.approx(forecast.z * sd)
    assert result.level is WarningLevel.OK
    assert result.probability is None


@pytest.mark.parametrize(
    ("where", "level"),
    [(-0.5, WarningLevel.EXCEED), (0.5, WarningLevel.WATCH), (1.5, WarningLevel.OK)],
)
def test_warning_levels_follow_the_target(where: float, level: WarningLevel) -> None:
    """``where``: the target's place between the central projection (0) and the upper bound (1)."""
    forecast = level_forecast(_flat(4000.0, 50.0), 100)  # ≈ 400 000 t more
    free = project(500_000.0, forecast)
    target = free.mean + where * (free.upper - free.mean)
    result = project(500_000.0, forecast, target)
    assert result.level is level
    assert result.probability is not None
    assert (result.probability > 0.5) == (level is WarningLevel.EXCEED)


def test_intensity_projection_against_a_benchmark() -> None:
    co2 = level_forecast(_flat(4200.0, 40.0), 30)
    clinker = level_forecast(_flat(5000.0, 30.0), 30)
    result = project_intensity(420_000.0, 500_000.0, co2, clinker, benchmark=0.80)
    assert result.actual == pytest.approx(0.84)
    assert result.mean == pytest.approx(0.84, abs=0.01)
    assert result.level is WarningLevel.EXCEED


def test_non_positive_target_is_refused() -> None:
    with pytest.raises(AnalyticsError) as error:
        project(1.0, level_forecast(_flat(1.0, 0.1), 3), 0.0)
    assert error.value.code == "analytics.bad_target"
