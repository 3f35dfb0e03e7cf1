"""True material quality: what the lab samples and what the process actually burns and makes.

Quality changes on the real rhythm of the plant: coal with every delivery batch (every 48 h),
clinker chemistry from shift to shift (8 h), raw-meal organic carbon and refuse composition from
month to month. Each value is an addressable draw (:mod:`tanji.simulator.noise`), so the lab
results (:mod:`tanji.simulator.lab`) and the process physics (:mod:`tanji.simulator.process`)
see the same truth without sharing state.
"""

from __future__ import annotations

import numpy as np

from tanji.simulator.noise import FloatArray, IntArray, normal
from tanji.simulator.parameters import Fuel, LineParameters

COAL_BATCH_MINUTES = 48 * 60
SHIFT_MINUTES = 8 * 60
#: Carbon per unit heat of bituminous coal, tC/GJ (GB/T 32151.8-2015 App. B).
COAL_CC_T_PER_GJ = 0.02618


def coal_batch(minutes: IntArray) -> IntArray:
    """Index of the coal delivery batch fired at each minute (one batch per 48 h)."""
    batch: IntArray = minutes // COAL_BATCH_MINUTES
    return batch


def shift(minutes: IntArray) -> IntArray:
    """Index of the 8-hour shift (shifts start 00:00, 08:00, 16:00 Beijing time)."""
    index: IntArray = minutes // SHIFT_MINUTES
    return index


def month(minutes: IntArray) -> IntArray:
    """Calendar month index (months since 1970-01, Beijing time) of each epoch minute."""
    local = (minutes + 8 * 60).astype("datetime64[m]")
    index: IntArray = local.astype("datetime64[M]").astype(np.int64)
    return index


def coal_ncv(seed: int, params: LineParameters, batch: IntArray) -> FloatArray:
    """True NCV of a coal batch, GJ/t: nominal ± 2 % between batches."""
    result: FloatArray = params.coal.ncv_gj_per_t * (1.0 + 0.02 * normal(seed, "coal.ncv", batch))
    return result


def coal_carbon(seed: int, params: LineParameters, batch: IntArray) -> FloatArray:
    """True carbon mass fraction of a coal batch: NCV × CC, CC nominal ± 1 %."""
    cc = COAL_CC_T_PER_GJ * (1.0 + 0.01 * normal(seed, "coal.cc", batch))
    result: FloatArray = coal_ncv(seed, params, batch) * cc
    return result


def clinker_cao(seed: int, params: LineParameters, shifts: IntArray) -> FloatArray:
    """True clinker CaO mass fraction of a shift: nominal ± 0.4 percentage points."""
    result: FloatArray = params.clinker_cao + 0.004 * normal(seed, "clinker.cao", shifts)
    return result


def clinker_mgo(seed: int, params: LineParameters, shifts: IntArray) -> FloatArray:
    """True clinker MgO mass fraction of a shift: nominal ± 0.2 percentage points."""
    result: FloatArray = params.clinker_mgo + 0.002 * normal(seed, "clinker.mgo", shifts)
    return result


def raw_meal_toc(seed: int, params: LineParameters, months: IntArray) -> FloatArray:
    """True raw-meal organic carbon of a month: nominal ± 15 %."""
    result: FloatArray = params.raw_meal_toc * (1.0 + 0.15 * normal(seed, "rawmeal.toc", months))
    return result


def refuse_carbon(seed: int, fuel: Fuel, months: IntArray) -> FloatArray:
    """True carbon mass fraction (as received) of a refuse fuel in a month: nominal ± 5 %."""
    result: FloatArray = fuel.carbon * (1.0 + 0.05 * normal(seed, fuel.name + ".c", months))
    return result


def refuse_fossil(seed: int, fuel: Fuel, months: IntArray) -> FloatArray:
    """True fossil share of a refuse fuel's carbon in a month: nominal ± 10 %, within 0–1."""
    share = fuel.fossil_fraction * (1.0 + 0.10 * normal(seed, fuel.name + ".fossil", months))
    result: FloatArray = np.clip(share, 0.0, 1.0)
    return result
