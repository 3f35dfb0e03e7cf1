"""Where the simulated line's tags land in the demo plant: the ONE mapping, kept as data.

The plant simulator (:mod:`tanji.simulator`, ADR 0070) models one line whose tags are coded
``L1.<area>.<item>``; the demo template (:mod:`tanji.demo.lines`) codes its tags
``<line>-<suffix>`` on a line and ``S1-<suffix>`` on the site. Each simulated tag either maps to a
demo tag (with the factor that converts its unit into the demo tag's unit) or is listed in
:data:`UNMAPPED` with the reason it has no place, so a tag added to the simulator cannot be lost
silently (a test checks the partition). Strings only: this layer must not import the simulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Scope = Literal["line", "site"]


@dataclass(frozen=True)
class TagRoute:
    """Where one simulated tag's values go.

    Attributes:
        suffix: the demo tag suffix (``COAL-KH-RATE``); the code is ``<prefix>-<suffix>``.
        scope: ``line`` (prefix = line code) or ``site`` (prefix ``S1``; fed by the site's first
            line only, since a site has one grid tie).
        factor: multiplies the simulated value into the demo tag's unit (kPa → Pa is 1000).
    """

    suffix: str
    scope: Scope = "line"
    factor: float = 1.0


ROUTES: dict[str, TagRoute] = {
    "L1.RM.FEED": TagRoute("RAWMEAL-RATE"),
    "L1.RM.FEED.TOT": TagRoute("RAWMEAL-TOT"),
    "L1.CLK.OUT": TagRoute("CLINKER-RATE"),
    "L1.CLK.OUT.TOT": TagRoute("CLINKER-TOT"),
    "L1.COAL.KH": TagRoute("COAL-KH-RATE"),
    "L1.COAL.KH.TOT": TagRoute("COAL-KH-TOT"),
    "L1.COAL.PC": TagRoute("COAL-CA-RATE"),
    "L1.COAL.PC.TOT": TagRoute("COAL-CA-TOT"),
    "L1.MSW.FEED": TagRoute("MSW-RATE"),
    "L1.MSW.TOT": TagRoute("MSW-TOT"),
    "L1.CLOTH.FEED": TagRoute("CLOTH-RATE"),
    "L1.CLOTH.TOT": TagRoute("CLOTH-TOT"),
    "L1.DSL.IGN": TagRoute("DIESEL-IGN-RATE"),
    "L1.DSL.IGN.TOT": TagRoute("DIESEL-IGN-TOT"),
    "L1.EL.RAWMILL": TagRoute("EL-RAWMILL"),
    "L1.EL.COALMILL": TagRoute("EL-COALMILL"),
    "L1.EL.KILN": TagRoute("EL-KILN"),
    "L1.EL.AUX": TagRoute("EL-AUX"),
    "L1.EL.WHR": TagRoute("WHR-GEN"),
    "L1.EL.IMPORT": TagRoute("EL-PURCHASED", scope="site"),
    "L1.EL.EXPORT": TagRoute("EL-EXPORTED", scope="site"),
    "L1.CEMS.CO2": TagRoute("CEMS-CO2"),
    "L1.CEMS.O2": TagRoute("CEMS-O2"),
    "L1.CEMS.TEMP": TagRoute("CEMS-TEMP"),
    "L1.CEMS.PRES": TagRoute("CEMS-PRESS", factor=1000.0),
    "L1.CEMS.H2O": TagRoute("CEMS-H2O"),
    "L1.CEMS.FLOW": TagRoute("CEMS-FLOW"),
}

#: Simulated tags with no demo tag, and why.
UNMAPPED: dict[str, str] = {
    "L1.DSL.FL": "forklift diesel is issued per refuelling (site tag DIESEL-FORKLIFT, a total)",
    "L1.DSL.FL.TOT": "forklift pump register: the demo site records issues, not a register",
    "L1.EL.CEMMILL": "the cement mill is outside the clinker line's boundary in the demo plant",
    "L1.CEMS.VP": "point velocity is an input of the DAS flow; the demo keeps only the flow",
}

#: Simulated lab analyte → platform lab parameter (``tanji.plant.choices.LabParameterChoices``).
LAB_PARAMETERS: dict[str, str] = {
    "ncv": "ncv",
    "carbon": "carbon_mass_fraction",
    "cao": "cao",
    "mgo": "mgo",
    "cao_non_carbonate": "non_carbonate_cao",
    "toc": "toc",
    "fossil_fraction": "fossil_carbon_fraction",
}
#: Simulated lab analytes with no platform parameter, and why.
LAB_UNMAPPED: dict[str, str] = {
    "mgo_non_carbonate": "the platform has a non-carbonate CaO parameter only (no MgO one)",
}
#: Simulated lab material → the demo emission source kind its analysis characterises.
LAB_SOURCES: dict[str, str] = {
    "coal": "coal_calciner",
    "clinker": "raw_meal_process",
    "raw_meal": "raw_meal_process",
    "msw": "msw",
    "cloth_strips": "cloth_strips",
}


def demo_code(route: TagRoute, line_code: str) -> str:
    """The demo tag code a route writes to on line ``line_code``."""
    prefix = line_code if route.scope == "line" else "S1"
    return f"{prefix}-{route.suffix}"
