from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from tanji.timeseries.rollups import RESET_RATIO, bucket_end, bucket_start, counter_steps
from tanji.timeseries.samples import Resolution, ts_ms


def _ms(*args: int) -> int:
    return ts_ms(datetime(*args, tzinfo=UTC))


@pytest.mark.parametrize(
    ("moment", "resolution", "start", "end"),
    [
        # hours are UTC hours
        (_ms(2025, 6, 30, 15, 59), Resolution.HOUR, _ms(2025, 6, 30, 15), _ms(2025, 6, 30, 16)),
        # days and months are China Standard Time: 16:00 UTC is local midnight
        (_ms(2025, 6, 30, 15, 59), Resolution.DAY, _ms(2025, 6, 29, 16), _ms(2025, 6, 30, 16)),
        (_ms(2025, 6, 30, 16, 0), Resolution.DAY, _ms(2025, 6, 30, 16), _ms(2025, 7, 1, 16)),
        (_ms(2025, 6, 30, 15, 59), Resolution.MONTH, _ms(2025, 5, 31, 16), _ms(2025, 6, 30, 16)),
        (_ms(2025, 6, 30, 16, 0), Resolution.MONTH, _ms(2025, 6, 30, 16), _ms(2025, 7, 31, 16)),
        # February of a leap year, and a year end
        (_ms(2024, 2, 29, 12), Resolution.MONTH, _ms(2024, 1, 31, 16), _ms(2024, 2, 29, 16)),
        (_ms(2025, 12, 31, 17), Resolution.MONTH, _ms(2025, 12, 31, 16), _ms(2026, 1, 31, 16)),
    ],
)
def test_buckets_follow_utc_hours_and_china_standard_time_days(
    moment: int, resolution: Resolution, start: int, end: int
) -> None:
    got = bucket_start(np.array([moment], np.int64), resolution)
    assert got.tolist() == [start]
    assert bucket_end(got, resolution).tolist() == [end]


def test_counter_steps_detect_resets_and_tolerate_jitter() -> None:
    # Worked example: a meter counts 100 → 110 → 109.5 (jitter) → 120 → 3 (reset) → 8,
    # one reading per 20 minutes from 00:00 UTC. Expected by hand:
    #   hour 0: 110-100 + 109.5-110 = 9.5 ; hour 1: 120-109.5 + 3 (reset) + 8-3 = 18.5, 1 reset.
    minute = 60_000
    ts = np.arange(6, dtype=np.int64) * 20 * minute
    values = np.array([100.0, 110.0, 109.5, 120.0, 3.0, 8.0])
    steps = counter_steps(np.ones(6, np.int64), ts, values, Resolution.HOUR)
    assert steps.bucket.tolist() == [0, 3_600_000]
    assert steps.increase.tolist() == pytest.approx([9.5, 18.5])
    assert steps.resets.tolist() == [0, 1]


def test_register_roll_over_counts_as_a_reset() -> None:
    # A 16-bit register rolls over 65530 → 4: the store sees a reset and counts 4 (ADR 0062).
    steps = counter_steps(
        np.ones(3, np.int64),
        np.array([0, 60_000, 120_000], np.int64),
        np.array([65_520.0, 65_530.0, 4.0]),
        Resolution.DAY,
    )
    assert steps.increase.tolist() == pytest.approx([14.0])
    assert steps.resets.tolist() == [1]
    assert RESET_RATIO * 65_530.0 > 4.0


def test_steps_never_cross_tags() -> None:
    steps = counter_steps(
        np.array([1, 1, 2, 2], np.int64),
        np.array([0, 60_000, 0, 60_000], np.int64),
        np.array([1.0, 2.0, 50.0, 55.0]),
        Resolution.HOUR,
    )
    assert steps.tag_id.tolist() == [1, 2]
    assert steps.increase.tolist() == [1.0, 5.0]
