from pathlib import Path

import numpy as np
import pytest
import yaml

from tanji.simulator import combustion
from tanji.simulator.instruments import co2_mass_kg_per_h, standard_dry_flow
from tanji.simulator.parameters import CLOTH_STRIPS, COAL, LineParameters

EXAMPLES = yaml.safe_load(
    (Path(__file__).parent / "data" / "worked_examples.yaml").read_text(encoding="utf-8")
)


def _one(value: float) -> np.ndarray:
    return np.array([value], dtype=np.float64)


def test_carbonate_co2_matches_clinker_output_method() -> None:
    ex = EXAMPLES["carbonate"]
    co2 = combustion.carbonate_co2(
        _one(ex["clinker_t"]), _one(ex["cao"]), _one(ex["mgo"]), ex["cao_nc"], ex["mgo_nc"]
    )
    assert co2[0] == pytest.approx(ex["co2_t"], abs=0.1)


def test_toc_co2_matches_worked_example() -> None:
    ex = EXAMPLES["toc"]
    assert combustion.toc_co2(_one(ex["raw_meal_t"]), ex["toc"])[0] == pytest.approx(ex["co2_t"])


def test_coal_co2_matches_tv01() -> None:
    ex = EXAMPLES["coal"]
    burn = combustion.burn(COAL, _one(ex["fuel_t"]), carbon=ex["carbon"])
    assert burn.fossil_co2_t_per_h[0] == pytest.approx(ex["co2_t"], abs=0.01)
    assert burn.biogenic_co2_t_per_h[0] == 0.0


def test_cloth_splits_fossil_and_biogenic_co2() -> None:
    ex = EXAMPLES["cloth"]
    burn = combustion.burn(CLOTH_STRIPS, _one(ex["fuel_t"]), ex["carbon"], ex["fossil"])
    assert burn.fossil_co2_t_per_h[0] == pytest.approx(ex["fossil_co2_t"], abs=1e-3)
    assert burn.biogenic_co2_t_per_h[0] == pytest.approx(ex["biogenic_co2_t"], abs=1e-3)


def test_cems_minute_matches_tv06() -> None:
    ex = EXAMPLES["cems_minute"]
    params = LineParameters(
        duct_diameter_m=ex["duct_diameter_m"],
        velocity_coefficient=ex["kv"],
        ambient_pressure_pa=ex["ambient_pa"],
    )
    flow = standard_dry_flow(
        _one(ex["vp_m_per_s"]),
        _one(ex["temperature_c"]),
        _one(ex["static_pa"]),
        _one(ex["moisture"]),
        params,
    )
    assert flow[0] / 60 == pytest.approx(ex["flow_m3_per_min"], abs=0.01)
    mass = co2_mass_kg_per_h(_one(ex["co2_pct_dry"]), flow)
    assert mass[0] / 60 == pytest.approx(ex["co2_kg_per_min"], abs=0.01)


def test_air_balance_keeps_oxygen_and_nitrogen_consistent() -> None:
    coal = combustion.burn(COAL, _one(27.0))
    gas = combustion.stack_gas([coal], _one(110.0), _one(0.0), _one(700.0), _one(2.0), 0.0, 0.0)
    air = 2.0 * coal.o2_demand_kmol_per_h / combustion.AIR_O2
    # N2 is inert: all air nitrogen plus fuel nitrogen leaves the stack
    assert gas.n2_kmol_per_h[0] == pytest.approx(air[0] * 0.79 + coal.nitrogen_kmol_per_h[0])
    # at λ = 2 exactly half the air's oxygen is left over
    assert gas.o2_kmol_per_h[0] == pytest.approx(air[0] * 0.21 / 2)
    assert 15 < gas.co2_pct_dry[0] < 33


def test_kiln_down_stack_sees_purge_air() -> None:
    nothing = combustion.burn(COAL, _one(0.0))
    gas = combustion.stack_gas([nothing], _one(0.0), _one(0.0), _one(0.0), _one(2.0), 6000, 0.01)
    assert gas.o2_pct_dry[0] == pytest.approx(21.0)
    assert gas.co2_pct_dry[0] == 0.0
