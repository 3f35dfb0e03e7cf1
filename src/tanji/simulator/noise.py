"""Counter-based random numbers: noise as a pure function of (seed, stream, index).

The plant must give the same value for a given minute whether a test back-fills a year, asks
for one instant (``values_at``) or streams live. A sequential generator would make values depend
on where generation started; hashing the absolute minute index with SplitMix64 (Steele et al.,
"Fast splittable pseudorandom number generators", OOPSLA 2014) makes every draw addressable,
vectorises over NumPy ``uint64`` arrays (whose multiplication wraps silently) and is fast enough
for a line-year of minutes.
"""

from __future__ import annotations

import zlib

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def _splitmix(values: NDArray[np.uint64]) -> NDArray[np.uint64]:
    z = values + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def stream_key(seed: int, stream: str) -> np.uint64:
    """Key of one named random stream; different names give independent sequences."""
    mixed = _splitmix(np.array([seed & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64))
    return np.uint64(mixed[0] ^ np.uint64(zlib.crc32(stream.encode()) << 16))


def uniform(seed: int, stream: str, index: IntArray) -> FloatArray:
    """Uniform draws in (0, 1), one per index, reproducible for every index on its own."""
    key = stream_key(seed, stream)
    bits = _splitmix(index.astype(np.uint64) * _MIX1 ^ key)
    return ((bits >> np.uint64(11)).astype(np.float64) + 0.5) / float(1 << 53)


def normal(seed: int, stream: str, index: IntArray) -> FloatArray:
    """Standard normal draws by the Box–Muller transform of two addressable uniforms."""
    u1 = uniform(seed, stream + "/a", index)
    u2 = uniform(seed, stream + "/b", index)
    result: FloatArray = np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
    return result


def smooth(seed: int, stream: str, minutes: IntArray, knot_minutes: int) -> FloatArray:
    """Slowly varying standard-normal process: normal knots every ``knot_minutes``, linear between.

    Process variables (free lime, coal quality, false air) wander over tens of minutes to hours;
    interpolated knots give that without a sequential filter, so any window is addressable.
    Linear interpolation shrinks the variance between knots; the result is rescaled so the
    marginal standard deviation stays 1 on average.
    """
    if minutes.size == 0:
        return np.zeros(0)
    first = int(minutes[0]) // knot_minutes
    last = int(minutes[-1]) // knot_minutes + 1
    knots = np.arange(first, last + 1, dtype=np.int64)
    values = normal(seed, stream, knots)
    curve: FloatArray = np.interp(minutes / knot_minutes, knots.astype(np.float64), values)
    scaled: FloatArray = curve / np.sqrt(2.0 / 3.0)
    return scaled
