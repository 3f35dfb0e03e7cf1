"""The one bridge from the simulator's tag codes and lab results to the platform's demo plant.

The simulator names tags ``L1.<area>.<item>`` (what its terminal signs); the demo plant names
them ``<line>-<suffix>`` with site-level meters under ``S1-``. :data:`TAG_BRIDGE` maps each
simulated tag to its platform suffix, scope and unit factor; tags without a platform twin
(cement-mill meter, pitot velocity, forklift pump totaliser) are left out. Lab results map to
the platform's materials and parameters; coal carbon (% as received) becomes carbon per unit
heat, tC/GJ = C / 100 / NCV, using the same batch's NCV (GB/T 32151.8 App. B form).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from tanji.simulator.events import FLAGS
from tanji.simulator.frame import Frame
from tanji.simulator.lab import LabResult


@dataclass(frozen=True)
class Bridge:
    """Where a simulated tag lands: platform suffix, on the site (not the line), unit factor."""

    suffix: str
    site: bool = False
    factor: float = 1.0


TAG_BRIDGE: dict[str, Bridge] = {
    "L1.RM.FEED": Bridge("RAWMEAL-RATE"),
    "L1.RM.FEED.TOT": Bridge("RAWMEAL-TOT"),
    "L1.CLK.OUT": Bridge("CLINKER-RATE"),
    "L1.CLK.OUT.TOT": Bridge("CLINKER-TOT"),
    "L1.COAL.KH": Bridge("COAL-KH-RATE"),
    "L1.COAL.KH.TOT": Bridge("COAL-KH-TOT"),
    "L1.COAL.PC": Bridge("COAL-CA-RATE"),
    "L1.COAL.PC.TOT": Bridge("COAL-CA-TOT"),
    "L1.MSW.FEED": Bridge("MSW-RATE"),
    "L1.MSW.TOT": Bridge("MSW-TOT"),
    "L1.CLOTH.FEED": Bridge("CLOTH-RATE"),
    "L1.CLOTH.TOT": Bridge("CLOTH-TOT"),
    "L1.DSL.IGN": Bridge("DIESEL-IGN-RATE"),
    "L1.DSL.IGN.TOT": Bridge("DIESEL-IGN-TOT"),
    "L1.EL.RAWMILL": Bridge("EL-RAWMILL"),
    "L1.EL.COALMILL": Bridge("EL-COALMILL"),
    "L1.EL.KILN": Bridge("EL-KILN"),
    "L1.EL.AUX": Bridge("EL-AUX"),
    "L1.EL.WHR": Bridge("WHR-GEN"),
    "L1.EL.IMPORT": Bridge("EL-PURCHASED", site=True),
    "L1.EL.EXPORT": Bridge("EL-EXPORTED", site=True),
    "L1.CEMS.CO2": Bridge("CEMS-CO2"),
    "L1.CEMS.O2": Bridge("CEMS-O2"),
    "L1.CEMS.FLOW": Bridge("CEMS-FLOW"),
    "L1.CEMS.TEMP": Bridge("CEMS-TEMP"),
    "L1.CEMS.PRES": Bridge("CEMS-PRESS", factor=1000.0),  # kPa → Pa
    "L1.CEMS.H2O": Bridge("CEMS-H2O"),
}

#: (simulated material, analyte) → (platform material, parameter, unit).
LAB_BRIDGE: dict[tuple[str, str], tuple[str, str, str]] = {
    ("coal", "ncv"): ("coal", "ncv", "GJ/t"),
    ("clinker", "cao"): ("clinker", "cao", "%"),
    ("clinker", "mgo"): ("clinker", "mgo", "%"),
    ("clinker", "cao_non_carbonate"): ("clinker", "non_carbonate_cao", "%"),
    ("raw_meal", "toc"): ("raw_meal", "toc", "%"),
    ("msw", "ncv"): ("msw", "ncv", "GJ/t"),
    ("msw", "carbon"): ("msw", "carbon_mass_fraction", "%"),
    ("msw", "fossil_fraction"): ("msw", "fossil_carbon_fraction", "%"),
    ("cloth_strips", "ncv"): ("cloth_strips", "ncv", "GJ/t"),
    ("cloth_strips", "carbon"): ("cloth_strips", "carbon_mass_fraction", "%"),
    ("cloth_strips", "fossil_fraction"): ("cloth_strips", "fossil_carbon_fraction", "%"),
}


def platform_code(sim_code: str, line_code: str, site_code: str) -> str | None:
    """The platform tag code of a simulated tag, or None when it has no twin."""
    bridge = TAG_BRIDGE.get(sim_code)
    if bridge is None:
        return None
    return f"{site_code if bridge.site else line_code}-{bridge.suffix}"


def sample_rows(
    frame: Frame, tag_ids: Mapping[str, int], line_code: str, site_code: str
) -> Iterator[tuple[int, int, float, str]]:
    """``(tag_id, ts_ms, value, flag)`` rows of a frame for the platform's store."""
    ts = frame.minutes * 60_000
    letters = np.array([str(flag.value) for flag in FLAGS])
    for sim_code, values in frame.values.items():
        code = platform_code(sim_code, line_code, site_code)
        if code is None or code not in tag_ids:
            continue
        keep = ~np.isnan(values)
        factor = TAG_BRIDGE[sim_code].factor
        flags = letters[frame.flags[sim_code][keep]]
        for t, v, f in zip(ts[keep].tolist(), (values[keep] * factor).tolist(), flags, strict=True):
            yield tag_ids[code], t, v, str(f)


@dataclass(frozen=True)
class PlatformAnalysis:
    """A lab analysis in the platform's terms: results are (parameter, value, unit, u)."""

    sample_id: str
    material: str
    sampled_at: datetime
    analysed_at: datetime
    method: str
    results: tuple[tuple[str, float, str, float], ...]


def platform_analyses(results: Iterable[LabResult]) -> list[PlatformAnalysis]:
    """Group simulated lab results by sample into platform analyses (coal carbon → tC/GJ)."""
    samples: dict[str, list[LabResult]] = {}
    for result in results:
        samples.setdefault(result.sample_id, []).append(result)
    out = []
    for sample_id, rows in samples.items():
        first = rows[0]
        mapped = [
            (target[1], r.value, target[2], r.standard_uncertainty)
            for r in rows
            if (target := LAB_BRIDGE.get((r.material, r.analyte))) is not None
        ]
        by_analyte = {r.analyte: r for r in rows}
        ncv, carbon = by_analyte.get("ncv"), by_analyte.get("carbon")
        if first.material == "coal" and ncv is not None and carbon is not None:
            value = carbon.value / 100.0 / ncv.value
            relative = np.hypot(
                carbon.standard_uncertainty / carbon.value, ncv.standard_uncertainty / ncv.value
            )
            mapped.append(("carbon_content", value, "tC/GJ", value * float(relative)))
        if mapped:  # platform materials carry the simulator's names
            out.append(
                PlatformAnalysis(
                    sample_id,
                    first.material,
                    first.period_start,
                    first.reported_at,
                    first.method,
                    tuple(mapped),
                )
            )
    return out
