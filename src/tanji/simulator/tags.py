"""Tag map of simulated line L1: code, unit, aggregation kind and, for totalisers, the register.

Tags are declarative (house style: Home Assistant entity descriptions): ``measurement`` values
are averaged in rollups; ``total_increasing`` values are totaliser registers that the platform
differences and whose roll-over (a register of finite width wrapping to zero) it must detect.
Codes follow ``<line>.<area>.<item>``; the same codes are what the simulated terminal signs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TagKind(StrEnum):
    """How a tag aggregates (mirrors Home Assistant's state classes)."""

    MEASUREMENT = "measurement"
    TOTAL_INCREASING = "total_increasing"


@dataclass(frozen=True, slots=True)
class TagSpec:
    """One tag of the line.

    Attributes:
        code: platform tag code.
        unit: unit symbol of the value.
        kind: aggregation kind.
        description: what is measured and where.
        register_max: for totalisers, the value at which the register wraps to zero.
        rate_tag: for totalisers, the measurement tag whose integral the register counts.
    """

    code: str
    unit: str
    kind: TagKind
    description: str
    register_max: float = 0.0
    rate_tag: str = ""


M = TagKind.MEASUREMENT
T = TagKind.TOTAL_INCREASING
_BELT = 1_000_000.0  # six-digit tonne register of a belt scale or solid-flow meter
_LITRE = 10_000_000.0  # seven-digit litre register of an oil flow meter
_KWH = 100_000_000.0  # eight-digit kWh register of an energy meter

TAGS: tuple[TagSpec, ...] = (
    TagSpec("L1.RM.FEED", "t/h", M, "raw meal to kiln inlet (solid flow meter)"),
    TagSpec("L1.RM.FEED.TOT", "t", T, "raw meal totaliser", _BELT, "L1.RM.FEED"),
    TagSpec("L1.CLK.OUT", "t/h", M, "clinker from cooler (belt scale)"),
    TagSpec("L1.CLK.OUT.TOT", "t", T, "clinker totaliser", _BELT, "L1.CLK.OUT"),
    TagSpec("L1.COAL.KH", "t/h", M, "coal powder to kiln-head burner (rotor scale)"),
    TagSpec("L1.COAL.KH.TOT", "t", T, "kiln-head coal totaliser", _BELT, "L1.COAL.KH"),
    TagSpec("L1.COAL.PC", "t/h", M, "coal powder to precalciner (rotor scale)"),
    TagSpec("L1.COAL.PC.TOT", "t", T, "precalciner coal totaliser", _BELT, "L1.COAL.PC"),
    TagSpec("L1.MSW.FEED", "t/h", M, "MSW combustibles to precalciner (belt scale)"),
    TagSpec("L1.MSW.TOT", "t", T, "MSW totaliser", _BELT, "L1.MSW.FEED"),
    TagSpec("L1.CLOTH.FEED", "t/h", M, "cloth strips to precalciner (belt scale)"),
    TagSpec("L1.CLOTH.TOT", "t", T, "cloth-strip totaliser", _BELT, "L1.CLOTH.FEED"),
    TagSpec("L1.DSL.IGN", "L/h", M, "ignition diesel to kiln-head burner (oil meter)"),
    TagSpec("L1.DSL.IGN.TOT", "L", T, "ignition diesel totaliser", _LITRE, "L1.DSL.IGN"),
    TagSpec("L1.DSL.FL", "L/h", M, "forklift/loader diesel dispensed (pump meter)"),
    TagSpec("L1.DSL.FL.TOT", "L", T, "forklift diesel pump totaliser", _LITRE, "L1.DSL.FL"),
    TagSpec("L1.EL.RAWMILL", "kWh", T, "raw mill energy meter", _KWH),
    TagSpec("L1.EL.COALMILL", "kWh", T, "coal mill energy meter", _KWH),
    TagSpec("L1.EL.KILN", "kWh", T, "kiln, fans and cooler energy meter", _KWH),
    TagSpec("L1.EL.CEMMILL", "kWh", T, "cement mill energy meter", _KWH),
    TagSpec("L1.EL.AUX", "kWh", T, "auxiliaries energy meter", _KWH),
    TagSpec("L1.EL.IMPORT", "kWh", T, "purchased electricity (grid tie, import)", _KWH),
    TagSpec("L1.EL.EXPORT", "kWh", T, "exported electricity (grid tie, export)", _KWH),
    TagSpec("L1.EL.WHR", "kWh", T, "waste-heat-recovery generator output", _KWH),
    TagSpec("L1.CEMS.CO2", "%", M, "kiln-tail CO2, volume fraction, dry"),
    TagSpec("L1.CEMS.O2", "%", M, "kiln-tail O2, volume fraction, dry"),
    TagSpec("L1.CEMS.VP", "m/s", M, "kiln-tail point velocity (pitot)"),
    TagSpec("L1.CEMS.TEMP", "°C", M, "kiln-tail flue-gas temperature"),
    TagSpec("L1.CEMS.PRES", "kPa", M, "kiln-tail static pressure (gauge)"),
    TagSpec("L1.CEMS.H2O", "%", M, "kiln-tail moisture, volume fraction"),
    TagSpec("L1.CEMS.FLOW", "m3/h", M, "kiln-tail flow, standard dry (DAS, HJ 212 App. D eq. 31)"),
)

TAG_MAP: dict[str, TagSpec] = {tag.code: tag for tag in TAGS}
CEMS_TAGS: tuple[str, ...] = tuple(t.code for t in TAGS if t.code.startswith("L1.CEMS."))
