"""Design parameters of the simulated 5000 t/d line: fuels, raw meal, clinker, gas path, meters.

Values are the typical magnitudes of a Chinese dry-process line with a five-stage preheater and
precalciner (reference table "Realistic magnitudes for a 5000 t/d line"); fuel defaults follow
GB/T 32151.8-2015 App. B (diesel NCV 42.652 GJ/t, CC 0.0202 tC/GJ, OF 0.98) and the IPCC 2006
Vol. 5 Table 2.4 style composition for refuse-derived fuels. Everything is a frozen dataclass so a
scenario can override single fields with :func:`dataclasses.replace`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Fuel:
    """Ultimate analysis of a fuel, as received (mass fractions), and its energy content.

    Attributes:
        name: fuel identifier.
        ncv_gj_per_t: net calorific value as received.
        carbon: total carbon mass fraction as received (fossil + biogenic).
        hydrogen: hydrogen mass fraction (burns to water, consumes oxygen).
        oxygen: fuel-bound oxygen mass fraction (reduces the air demand).
        nitrogen: fuel nitrogen mass fraction (reported as N2 in the flue gas).
        moisture: free water mass fraction (evaporates into the flue gas).
        fossil_fraction: share of the carbon that is fossil (α of GB/T 32151.8 §5).
        oxidation_rate: oxidation rate OF; the unburnt rest stays in clinker or ash.
    """

    name: str
    ncv_gj_per_t: float
    carbon: float
    hydrogen: float
    oxygen: float
    nitrogen: float
    moisture: float
    fossil_fraction: float = 1.0
    oxidation_rate: float = 1.0


#: Bituminous coal powder as fired: carbon per unit heat 0.02618 tC/GJ at 22.5 GJ/t (TV-01).
COAL = Fuel("coal", 22.5, 22.5 * 0.02618, 0.035, 0.075, 0.010, 0.015, 1.0, 0.98)
#: Diesel (GB/T 32151.8-2015 App. B): C = 42.652 GJ/t × 0.0202 tC/GJ = 0.8616.
DIESEL = Fuel("diesel", 42.652, 42.652 * 0.0202, 0.133, 0.0, 0.0, 0.0, 1.0, 0.98)
#: MSW-derived combustibles (TV-03b): dm 0.55, C 0.38 of dry matter, fossil share 0.40.
MSW = Fuel("msw", 11.0, 0.55 * 0.38, 0.55 * 0.05, 0.55 * 0.25, 0.005, 0.45, 0.40, 1.0)
#: Cloth strips (TV-03a): C 42 % as received, fossil share 0.60.
CLOTH_STRIPS = Fuel("cloth_strips", 16.5, 0.42, 0.05, 0.30, 0.01, 0.10, 0.60, 1.0)


@dataclass(frozen=True, slots=True)
class CemsErrors:
    """Systematic (bias) and random (noise) errors of the kiln-tail CEMS.

    Biases are relative except O2 (absolute, %vol). The defaults make the CEMS read the CO2 mass
    about 4.5 % high, typical of a point-velocity probe whose velocity-field coefficient was not
    re-determined (TV-08 shows +6.5 % between CEMS and the model).
    """

    co2_bias: float = 0.015
    co2_noise_pct: float = 0.15
    o2_bias_pct: float = 0.10
    o2_noise_pct: float = 0.08
    velocity_bias: float = 0.030
    velocity_noise: float = 0.008
    moisture_bias: float = 0.0
    moisture_noise_pct: float = 0.2
    temperature_noise_c: float = 0.6
    pressure_noise_pa: float = 20.0

    @property
    def mass_bias(self) -> float:
        """Expected relative error of the CEMS CO2 mass rate against the truth.

        ``(1 + b_CO2)(1 + b_v) × 44.01/44 − 1``: the CEMS converts %vol to mg/m³ with
        M = 44.01 (HJ 212-2017 App. D eq. 20) while the carbon balance uses 44/12.
        """
        return (1.0 + self.co2_bias) * (1.0 + self.velocity_bias) * 44.01 / 44.0 - 1.0


@dataclass(frozen=True, slots=True)
class LineParameters:
    """Nominal operating point of line L1 and the stochastic spread around it.

    Rates are per hour at full load; fractions are mass fractions unless the name says otherwise.
    """

    clinker_t_per_h: float = 208.3
    raw_meal_ratio: float = 1.55
    heat_gj_per_t_clinker: float = 3.15
    kiln_head_coal_share: float = 0.40
    msw_t_per_h: float = 2.5
    cloth_strips_t_per_h: float = 1.0
    coal: Fuel = COAL
    diesel: Fuel = DIESEL
    msw: Fuel = MSW
    cloth_strips: Fuel = CLOTH_STRIPS
    diesel_density_kg_per_l: float = 0.840
    # clinker chemistry (GB/T 176) — true shift means wander around these
    clinker_cao: float = 0.655
    clinker_mgo: float = 0.022
    clinker_cao_non_carbonate: float = 0.012
    clinker_mgo_non_carbonate: float = 0.003
    raw_meal_toc: float = 0.0010
    raw_material_moisture: float = 0.045
    # gas path
    air_ratio_stack: float = 2.0
    purge_air_kmol_per_h: float = 6000.0
    air_humidity_mol_fraction: float = 0.012
    stack_temperature_c: float = 115.0
    static_pressure_pa: float = -800.0
    ambient_pressure_pa: float = 100_800.0
    duct_diameter_m: float = 4.0
    velocity_coefficient: float = 0.95
    # restarts
    ignition_diesel_l_per_h: float = 950.0
    ignition_hours: float = 4.0
    heating_hours: float = 8.0
    ramp_hours: float = 4.0
    forklift_diesel_l_per_day: float = 380.0
    # electricity, kWh per tonne of clinker (cement mill: per tonne of cement)
    raw_mill_kwh_per_t: float = 17.0
    coal_mill_kwh_per_t: float = 4.0
    kiln_kwh_per_t: float = 28.0
    auxiliaries_kw: float = 1250.0
    cement_t_per_h: float = 270.0
    cement_mill_kwh_per_t: float = 33.0
    cement_mill_off_hours_local: tuple[int, ...] = (9, 10, 19, 20)
    whr_kwh_per_t: float = 33.0
    cems: CemsErrors = field(default_factory=lambda: CemsErrors())
