"""What the CEMS data-acquisition system reports: HJ 212 minute (2051) and hour (2061) records.

The DAS turns the plant's per-minute CEMS readings into HJ 212-2017 records with the App. B
codes: ``a05001`` CO2 (mg/m³, Cou kg), ``a00000`` standard dry flow (m³/s, Cou m³), ``a01011``
velocity (m/s, ``Vs = Kv × Vp``), ``a01012`` temperature (°C), ``a01013`` static pressure (kPa),
``a01014`` moisture (%), ``a19001`` O2 (%).

* Minute (eq. 23): Avg is the minute mean; Min/Max come from the twelve 5-second samples
  (sample scatter re-centred on the mean); ``a05001-Cou = Avg × a00000-Cou × 10⁻⁶`` kg.
* Hour (eqs. 24, 33): valid if ≥ 45 minutes are N; Avg is the mean of the valid minute means;
  Cou is the sum of valid minute Cou scaled by 60/k (TV-07); otherwise the hour carries the most
  frequent non-N flag and no values.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal

import numpy as np

from tanji.protocols.hj212.records import DataRecord, FactorData
from tanji.simulator.combustion import M_CO2_CEMS, MOLAR_VOLUME_M3_PER_KMOL
from tanji.simulator.events import FLAGS
from tanji.simulator.frame import Frame, minute_time
from tanji.simulator.noise import normal

MIN_VALID_MINUTES = 45  # HJ 212-2017 App. D eq. (24)
SAMPLES_PER_MINUTE = 12  # 5-second sampling, eq. (23)
#: HJ 212 code → (decimals of values, decimals of Cou or None).
DECIMALS: dict[str, tuple[int, int | None]] = {
    "a05001": (1, 2),
    "a00000": (2, 1),
    "a01011": (2, None),
    "a01012": (1, None),
    "a01013": (3, None),
    "a01014": (2, None),
    "a19001": (2, None),
}
CO2_MG_PER_M3_PER_PCT = 1e4 * M_CO2_CEMS / MOLAR_VOLUME_M3_PER_KMOL  # eq. (20)


def _quantise(value: float, decimals: int) -> Decimal:
    return Decimal(f"{value:.{decimals}f}")


def minute_values(frame: Frame, index: int, kv: float) -> tuple[dict[str, float], str]:
    """The DAS's minute means per HJ 212 code and the minute's flag (worst CEMS tag flag)."""
    v = {tag: float(values[index]) for tag, values in frame.values.items()}
    flags = [str(FLAGS[int(frame.flags[t][index])]) for t in frame.flags if t.startswith("L1.CEMS")]
    flag = next((f for f in flags if f != "N"), "N")
    flow_m3_per_h = v["L1.CEMS.FLOW"]
    values = {
        "a05001": v["L1.CEMS.CO2"] * CO2_MG_PER_M3_PER_PCT,
        "a00000": flow_m3_per_h / 3600.0,
        "a01011": v["L1.CEMS.VP"] * kv,
        "a01012": v["L1.CEMS.TEMP"],
        "a01013": v["L1.CEMS.PRES"],
        "a01014": v["L1.CEMS.H2O"],
        "a19001": v["L1.CEMS.O2"],
    }
    return values, flag


def minute_record(frame: Frame, index: int, kv: float, seed: int) -> DataRecord:
    """The 2051 record of the minute at ``index`` (DataTime = start of the minute)."""
    values, flag = minute_values(frame, index, kv)
    start = _time(frame, index)
    if any(np.isnan(list(values.values()))):
        return DataRecord(start, tuple(FactorData(code, {}, flag) for code in DECIMALS))
    minute = np.array([int(frame.minutes[index])], dtype=np.int64)
    factors = []
    for code, (decimals, cou_decimals) in DECIMALS.items():
        avg = values[code]
        measures = {"Avg": _quantise(avg, decimals)}
        if code == "a05001":
            z = normal(seed, "das." + code, minute * SAMPLES_PER_MINUTE + np.arange(12))
            samples = avg * (1 + 0.004 * (z - z.mean()))
            measures = {
                "Min": _quantise(float(samples.min()), decimals),
                **measures,
                "Max": _quantise(float(samples.max()), decimals),
            }
        if cou_decimals is not None:
            cou = values["a00000"] * 60.0 * (avg * 1e-6 if code == "a05001" else 1.0)
            measures["Cou"] = _quantise(cou, cou_decimals)
        factors.append(FactorData(code, measures, flag))
    return DataRecord(start, tuple(factors))


def _time(frame: Frame, index: int) -> datetime:
    return minute_time(int(frame.minutes[index]))


def hour_record(frame: Frame, start_index: int, kv: float) -> DataRecord:
    """The 2061 record of the hour whose first minute is at ``start_index``."""
    minutes = [minute_values(frame, i, kv) for i in range(start_index, start_index + 60)]
    valid = [values for values, flag in minutes if flag == "N"]
    start = _time(frame, start_index)
    if len(valid) < MIN_VALID_MINUTES:
        worst = Counter(flag for _, flag in minutes if flag != "N").most_common(1)[0][0]
        return DataRecord(start, tuple(FactorData(code, {}, worst) for code in DECIMALS))
    scale = 60.0 / len(valid)
    factors = []
    for code, (decimals, cou_decimals) in DECIMALS.items():
        series = [values[code] for values in valid]
        measures = {
            "Min": _quantise(min(series), decimals),
            "Avg": _quantise(sum(series) / len(series), decimals),
            "Max": _quantise(max(series), decimals),
        }
        if cou_decimals is not None:
            per_minute = [
                v["a00000"] * 60.0 * (v["a05001"] * 1e-6 if code == "a05001" else 1.0)
                for v in valid
            ]
            measures["Cou"] = _quantise(sum(per_minute) * scale, cou_decimals)
        factors.append(FactorData(code, measures, "N"))
    return DataRecord(start, tuple(factors))


def hour_starts(frame: Frame) -> list[int]:
    """Indices of the frame's minutes that start a whole hour inside the frame."""
    return [i for i in range(len(frame) - 59) if int(frame.minutes[i]) % 60 == 0]
