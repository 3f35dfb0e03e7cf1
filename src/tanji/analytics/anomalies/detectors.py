"""Single-meter detectors: stuck values, spikes, gaps and counters going backwards.

Each takes one :class:`~tanji.analytics.anomalies.model.Series` and the spans in which the line
was stopped; a stopped line legitimately shows flat zeros, steps and silence, so stuck values
and spikes are judged only while it runs. Gaps are judged always: a logger of a stopped line
still reports.
"""

from __future__ import annotations

import numpy as np

from tanji.analytics.anomalies.model import (
    Anomaly,
    AnomalyKind,
    BoolArray,
    FloatArray,
    Profile,
    Series,
    in_spans,
    runs,
)

#: Robust z above which a first difference is extreme (1.4826·MAD scales MAD to σ for normal
#: noise; |z| > 8 twice in a row with opposite signs has a probability below 1e-14 per sample).
SPIKE_Z = 8.0
#: A counter's reading below this share of the register after one above 1 − share wrapped.
WRAP_BAND = 0.1
#: Shortest silence reported as a gap, in sampling steps.
GAP_STEPS = 5


def judged(series: Series, stopped: tuple[tuple[int, int], ...]) -> BoolArray:
    """Samples that are valid and taken while the line ran."""
    return series.valid & ~in_spans(series.ts_ms, stopped) & np.isfinite(series.value)


def stuck_values(
    series: Series, profile: Profile, stopped: tuple[tuple[int, int], ...] = ()
) -> list[Anomaly]:
    """Readings frozen at one non-zero value for at least the profile's stuck limit.

    Zero is excluded: an idle feeder reads zero for hours. Only valid samples of a running line
    count, so a calibration window inside a frozen stretch does not end it.
    """
    keep = judged(series, stopped)
    ts, value = series.ts_ms[keep], series.value[keep]
    if ts.shape[0] < 2 or profile.stuck_ms == float("inf"):
        return []
    same = (np.diff(value) == 0.0) & (value[1:] != 0.0)
    found = []
    for lo, hi in runs(same):
        duration = float(ts[hi] - ts[lo])
        if duration >= profile.stuck_ms:
            found.append(
                Anomaly(
                    series.tag,
                    AnomalyKind.STUCK,
                    int(ts[lo]),
                    int(ts[hi]) + profile.step_ms,
                    duration / 60_000.0,
                    f"value {value[lo]:.6g} unchanged",
                )
            )
    return found


def robust_z(values: FloatArray, scale_from: FloatArray | None = None) -> FloatArray:
    """(x − median) / (1.4826 · MAD); zeros when the MAD is zero (no spread to judge by).

    ``scale_from`` (default ``values``) gives the median and MAD, so a frozen stretch (zero
    differences) can be kept out of the yardstick.
    """
    basis = values if scale_from is None else scale_from
    if basis.size == 0:
        return np.zeros_like(values)
    median = float(np.median(basis))
    mad = 1.4826 * float(np.median(np.abs(basis - median)))
    if mad == 0.0:
        return np.zeros_like(values)
    z: FloatArray = (values - median) / mad
    return z


def spikes(
    series: Series,
    profile: Profile,
    stopped: tuple[tuple[int, int], ...] = (),
    z_limit: float = SPIKE_Z,
) -> list[Anomaly]:
    """Single readings far off their neighbours: a jump out and back, each |z| > ``z_limit``.

    The z-score is robust (median and MAD of the non-zero first differences of consecutive valid
    samples), so neither the spikes themselves nor a frozen stretch bend the yardstick. A lone
    jump (a step change, a kiln stopping) is not a spike.
    """
    keep = judged(series, stopped)
    ts, value = series.ts_ms[keep], series.value[keep]
    if ts.shape[0] < 10:
        return []
    adjacent = np.diff(ts) <= 2 * profile.step_ms
    steps = np.diff(value)
    z = robust_z(steps, steps[steps != 0.0])  # a stuck stretch would shrink the MAD to zero
    big = (np.abs(z) > z_limit) & adjacent
    pair = big[:-1] & big[1:] & (np.sign(z[:-1]) != np.sign(z[1:]))
    return [
        Anomaly(
            series.tag,
            AnomalyKind.SPIKE,
            int(ts[i + 1]),
            int(ts[i + 1]) + profile.step_ms,
            float(min(abs(z[i]), abs(z[i + 1]))),
            f"value {value[i + 1]:.6g} between {value[i]:.6g} and {value[i + 2]:.6g}",
        )
        for i in np.flatnonzero(pair).tolist()
    ]


def gaps(
    series: Series, profile: Profile, window: tuple[int, int], min_steps: int = GAP_STEPS
) -> list[Anomaly]:
    """Silences of at least ``min_steps`` sampling steps within ``window`` (any flag counts).

    The window's edges count as samples one step outside it, so a tag silent from the start or
    to the end of the window is reported too.
    """
    step = profile.step_ms
    inside = series.ts_ms[(series.ts_ms >= window[0]) & (series.ts_ms < window[1])]
    times = np.concatenate(([window[0] - step], inside, [window[1]]))
    silence = np.diff(times) - step
    found = []
    for i in np.flatnonzero(silence >= min_steps * step).tolist():
        start, end = int(times[i]) + step, int(times[i + 1])
        found.append(
            Anomaly(series.tag, AnomalyKind.GAP, start, end, (end - start) / 60_000.0, "no data")
        )
    return found


def counter_backwards(series: Series, profile: Profile) -> list[Anomaly]:
    """Totaliser readings that drop without rolling over (a reset, a swapped meter, tampering).

    A drop from the top band of the register to its bottom band is a roll-over (the register
    wrapped to zero), which the rollups difference correctly and which is not an anomaly.
    """
    keep = series.valid & np.isfinite(series.value)
    ts, value = series.ts_ms[keep], series.value[keep]
    if ts.shape[0] < 2:
        return []
    drop = np.diff(value) < 0.0
    if profile.register_max:
        top = profile.register_max * (1.0 - WRAP_BAND)
        wrapped = (value[:-1] >= top) & (value[1:] <= profile.register_max * WRAP_BAND)
        drop &= ~wrapped
    return [
        Anomaly(
            series.tag,
            AnomalyKind.COUNTER_BACKWARDS,
            int(ts[i]),
            int(ts[i + 1]) + profile.step_ms,
            float(value[i] - value[i + 1]),
            f"register fell from {value[i]:.6g} to {value[i + 1]:.6g}",
        )
        for i in np.flatnonzero(drop).tolist()
    ]
