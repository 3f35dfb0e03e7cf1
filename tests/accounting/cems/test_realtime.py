from __future__ import annotations

import numpy as np
import pytest

from tanji.accounting.cems import CemsInputError, minute_means


def test_minute_needs_75_pct_normal_samples_and_at_least_12() -> None:
    values = np.tile(np.arange(60.0), (3, 1))  # 1 s sampling: 60 samples a minute
    flags = np.full((3, 60), "N")
    flags[1, :15] = "D"  # 45 normal = 75 %: normal
    flags[2, :16] = "D"  # 44 normal < 75 %: fault
    result = minute_means(values, flags)
    assert result.flag.tolist() == ["N", "N", "D"]
    assert result.valid_samples.tolist() == [60, 45, 44]
    assert result.mean[1] == pytest.approx(np.arange(15, 60).mean())
    assert np.isnan(result.mean[2])


def test_five_second_sampling_needs_all_twelve() -> None:
    flags = np.full((2, 12), "N")
    flags[1, 0] = "F"
    assert minute_means(np.ones((2, 12)), flags).flag.tolist() == ["N", "D"]


def test_rejects_sampling_coarser_than_five_seconds() -> None:
    with pytest.raises(CemsInputError) as caught:
        minute_means(np.ones((2, 6)), np.full((2, 6), "N"))
    assert caught.value.code == "cems.samples_per_minute"
