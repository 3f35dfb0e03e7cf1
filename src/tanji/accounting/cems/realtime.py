"""Real-time samples → minute means, HJ 212-2017 App. D eq. (23) and the Table C.16 note.

A minute mean is the mean of the instantaneous values sampled at intervals of at most 5 s,
with at least n = 12 valid values (eq. (23)); for flue gas a minute is "normal" (flag ``N``)
when at least 75 % of its real-time values are normal, otherwise it is flagged instrument
fault ``D`` (Table C.16 note). The stricter of the two counts applies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tanji.accounting.cems._checks import CemsInputError, FloatArray, as_float_array, valid_mask

#: HJ 212-2017 App. D eq. (23): at least 12 valid instantaneous values per minute.
MIN_VALID_SAMPLES_PER_MINUTE = 12
#: HJ 212-2017 Table C.16 note: a minute is normal with ≥ 75 % normal real-time values.
MIN_NORMAL_SHARE = 0.75
#: HJ 212-2017 Table C.16: the flag of an instrument fault.
FAULT_FLAG = "D"


@dataclass(frozen=True, slots=True)
class MinuteMeans:
    """Minute means with the flag each minute carries onward (``N`` or ``D``)."""

    mean: FloatArray
    valid_samples: npt.NDArray[np.int64]
    flag: npt.NDArray[np.str_]


def minute_means(values: Any, flag: object) -> MinuteMeans:
    """Means of the valid real-time samples of each minute (samples on the last axis).

    The last axis holds one minute's samples (12 at 5 s, 60 at 1 s); invalid minutes get NaN
    and flag ``D``, and then never count in :func:`~.hourly.cems_hour`.

    Raises:
        CemsInputError: ``cems.samples_per_minute`` when a minute holds fewer than 12 samples
            (a sampling interval above 5 s cannot give an eq. (23) minute).
    """
    x = as_float_array("values", values)
    if x.ndim == 0 or x.shape[-1] < MIN_VALID_SAMPLES_PER_MINUTE:
        raise CemsInputError(
            "cems.samples_per_minute",
            "values: expected ≥ {n} samples per minute on the last axis (≤ 5 s interval), got"
            " shape {got}",
            n=MIN_VALID_SAMPLES_PER_MINUTE,
            got=list(x.shape),
        )
    mask = valid_mask(flag, x.shape)
    needed = max(MIN_VALID_SAMPLES_PER_MINUTE, math.ceil(MIN_NORMAL_SHARE * x.shape[-1]))
    count = mask.sum(axis=-1, dtype=np.int64)
    valid = count >= needed
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(valid, x.sum(axis=-1, where=mask) / count, np.nan)
    return MinuteMeans(mean=mean, valid_samples=count, flag=np.where(valid, "N", FAULT_FLAG))
