"""Source bindings: where each emission source's formula inputs come from, as data (ADR 0120).

One row per source kind: the formula, the activity tags (by code suffix; the first suffix group
with data in an hour wins — a totaliser before its rate), the unit conversion to the formula's
unit, and each parameter's lab analysis (material, parameter, scale to the formula's unit) with
the factor-library key of its default. Tags are found as ``<line or site code>-<suffix>``, the
convention of the demo plants; a tenant whose codes differ binds by the same suffixes.
"""

from __future__ import annotations

from dataclasses import dataclass

from tanji.plant.choices import SourceKindChoices as K


@dataclass(frozen=True)
class Parameter:
    """A formula input taken from the lab when analysed, else from the factor library.

    Attributes:
        name: the formula's argument name.
        factor_key: factor-library key of the default.
        material: lab material whose latest analysis supplies it (None: always the default).
        lab_parameter: lab parameter code.
        lab_scale: multiplier from the lab unit to the formula unit (% → fraction: 0.01).
    """

    name: str
    factor_key: str
    material: str | None = None
    lab_parameter: str | None = None
    lab_scale: float = 1.0


@dataclass(frozen=True)
class Activity:
    """An activity quantity: alternatives of tag suffixes, each group summed.

    Attributes:
        name: the formula's argument name.
        groups: suffix groups in order of preference (totalisers before rates).
        scale: multiplier from the tag unit to the formula unit (kWh → MWh: 0.001).
    """

    name: str
    groups: tuple[tuple[str, ...], ...]
    scale: float = 1.0


@dataclass(frozen=True)
class Binding:
    """How one source kind is computed.

    Attributes:
        formula: key of :data:`tanji.emissions.formulas.FORMULAS`.
        activities: activity quantities.
        parameters: parameters (lab or default).
        on_stack: its CO2 leaves through the kiln-tail stack the CEMS measures.
        site: its tags carry the site code (enterprise-level sources).
    """

    formula: str
    activities: tuple[Activity, ...]
    parameters: tuple[Parameter, ...] = ()
    on_stack: bool = False
    site: bool = False


def _coal(counter: str, rate: str) -> Binding:
    return Binding(
        "fuel_mass",
        (Activity("consumption_t", ((counter,), (rate,))),),
        (
            Parameter("ncv_gj_per_t", "fuel.mee_2022.bituminous_coal.ncv", "coal", "ncv"),
            Parameter(
                "carbon_content_tc_per_gj",
                "fuel.mee_2022.bituminous_coal.carbon_content",
                "coal",
                "carbon_content",
            ),
            Parameter("oxidation_rate", "fuel.kiln_coal.oxidation_rate"),
        ),
        on_stack=True,
    )


def _refuse(counter: str, rate: str, material: str, ipcc: str) -> Binding:
    return Binding(
        "alternative_fuel_carbon",
        (Activity("consumption_t", ((counter,), (rate,))),),
        (
            Parameter("dry_matter_fraction", f"ipcc.{ipcc}.dry_matter_fraction"),
            Parameter(
                "carbon_fraction_dry",
                f"ipcc.{ipcc}.carbon_fraction_dry",
                material,
                "carbon_mass_fraction",
                0.01,
            ),
            Parameter(
                "fossil_carbon_fraction",
                f"ipcc.{ipcc}.fossil_carbon_fraction",
                material,
                "fossil_carbon_fraction",
                0.01,
            ),
            Parameter("oxidation_rate", "alt.oxidation_rate"),
        ),
        on_stack=True,
    )


_DIESEL = (
    Parameter("density_kg_per_l", "fuel.diesel.density", "diesel", "density"),
    Parameter("ncv_gj_per_t", "fuel.gbt32151_2015.diesel.ncv", "diesel", "ncv"),
    Parameter("carbon_content_tc_per_gj", "fuel.gbt32151_2015.diesel.carbon_content"),
    Parameter("oxidation_rate", "fuel.gbt32151_2015.diesel.oxidation_rate"),
)
_LINE_METERS = ("EL-CRUSHER", "EL-RAWMILL", "EL-COALMILL", "EL-KILN", "EL-ID-FAN", "EL-COOLER")

#: The default bindings of every source kind (the demo plants use them unchanged).
BINDINGS: dict[str, Binding] = {
    K.COAL_KILN_HEAD: _coal("COAL-KH-TOT", "COAL-KH-RATE"),
    K.COAL_CALCINER: _coal("COAL-CA-TOT", "COAL-CA-RATE"),
    K.DIESEL_IGNITION: Binding(
        "fuel_volume",
        (Activity("volume_l", (("DIESEL-IGN-TOT",), ("DIESEL-IGN-RATE",))),),
        _DIESEL,
        on_stack=True,
    ),
    K.DIESEL_FORKLIFT: Binding(
        "fuel_volume", (Activity("volume_l", (("DIESEL-FORKLIFT",),)),), _DIESEL, site=True
    ),
    K.MSW: _refuse("MSW-TOT", "MSW-RATE", "msw", "plastics"),
    K.CLOTH_STRIPS: _refuse("CLOTH-TOT", "CLOTH-RATE", "cloth_strips", "textiles"),
    K.OTHER_ALTERNATIVE_FUEL: _refuse("TYRE-TOT", "TYRE-RATE", "other", "rubber_leather"),
    K.RAW_MEAL_PROCESS: Binding(
        "process",
        (
            Activity("clinker_t", (("CLINKER-TOT",), ("CLINKER-RATE",))),
            Activity("raw_meal_t", (("RAWMEAL-TOT",), ("RAWMEAL-RATE",))),
        ),
        (
            Parameter("cao_fraction", "clinker.cao_fraction", "clinker", "cao", 0.01),
            Parameter(
                "cao_noncarbonate_fraction",
                "clinker.cao_noncarbonate_fraction",
                "clinker",
                "non_carbonate_cao",
                0.01,
            ),
            Parameter("mgo_fraction", "clinker.mgo_fraction", "clinker", "mgo", 0.01),
            Parameter("mgo_noncarbonate_fraction", "clinker.mgo_noncarbonate_fraction"),
            Parameter("toc_fraction", "raw_meal.toc_fraction", "raw_meal", "toc", 0.01),
        ),
        on_stack=True,
    ),
    K.LINE_ELECTRICITY: Binding(
        "electricity",
        (Activity("consumption_mwh", (("EL-LINE-TOT",), (*_LINE_METERS, "EL-AUX")), 0.001),),
        (Parameter("grid_factor_tco2_per_mwh", "grid.national"),),
    ),
    K.PURCHASED_ELECTRICITY: Binding(
        "electricity",
        (Activity("consumption_mwh", (("EL-PURCHASED",),), 0.001),),
        (Parameter("grid_factor_tco2_per_mwh", "grid.national"),),
        site=True,
    ),
    K.EXPORTED_ELECTRICITY: Binding(
        "electricity",
        (Activity("consumption_mwh", (("EL-EXPORTED",),), -0.001),),
        (Parameter("grid_factor_tco2_per_mwh", "grid.national"),),
        site=True,
    ),
    K.PURCHASED_HEAT: Binding(
        "heat",
        (Activity("heat_gj", (("HEAT-PURCHASED",),)),),
        (Parameter("heat_factor_tco2_per_gj", "heat.factor"),),
        site=True,
    ),
    K.EXPORTED_HEAT: Binding(
        "heat",
        (Activity("heat_gj", (("HEAT-EXPORTED",),), -1.0),),
        (Parameter("heat_factor_tco2_per_gj", "heat.factor"),),
        site=True,
    ),
}

#: Kiln-tail CEMS tags by role (suffixes on the line code): CO2 dry %vol, standard dry flow.
CEMS_TAGS: dict[str, str] = {"co2_pct": "CEMS-CO2", "flow_nm3_per_h": "CEMS-FLOW"}
#: The same roles as an HJ 212 data logger reports them (tag codes ``<code>-Avg`` of the logger's
#: enterprise, HJ 212-2017 App. B units): a05001 CO2 mg/m³ and a00000 flue-gas flow m³/s, both
#: at the standard dry state (standards §5); role → (tag code, App. B unit). The plan converts:
#: mg/m³ → %vol divides by ``co2_mg_per_m3(1)`` (App. D eq. 20); m³/s → m³/h is × 3600.
HJ212_CEMS_TAGS: dict[str, tuple[str, str]] = {
    "co2_pct": ("a05001-Avg", "mg/m3"),
    "flow_nm3_per_h": ("a00000-Avg", "m3/s"),
}
#: Inputs of the model method (数学模型法): activity names of the stack sources' bindings.
MODEL_INPUTS: tuple[tuple[str, str], ...] = (
    (K.COAL_KILN_HEAD, "consumption_t"),
    (K.COAL_CALCINER, "consumption_t"),
    (K.RAW_MEAL_PROCESS, "raw_meal_t"),
)
