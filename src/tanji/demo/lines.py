"""The per-line template of the demo: emission sources, tags, instruments, diagram, lab samples.

Magnitudes follow standards §10 for a 5000 t/d line (208 t/h clinker, 1.55 t raw meal per t,
0.125–0.14 t coal per t, 350 000–450 000 Nm³/h dry kiln-tail flow at 20–25 %vol CO2) and are
scaled to the line's capacity; accuracy classes follow GB 17167-2006 (standards §8).
"""

from __future__ import annotations

from dataclasses import dataclass

from tanji.plant.choices import SourceKindChoices as K

#: Sources every line has, by kind, with their Chinese and English names.
LINE_SOURCES: tuple[tuple[str, str, str], ...] = (
    (K.COAL_KILN_HEAD, "窑头燃煤", "Kiln-head coal"),
    (K.COAL_CALCINER, "分解炉燃煤", "Calciner coal"),
    (K.DIESEL_IGNITION, "点火柴油", "Ignition diesel"),
    (K.MSW, "协同处置生活垃圾", "Co-processed MSW"),
    (K.CLOTH_STRIPS, "废布条", "Cloth strips"),
    (K.RAW_MEAL_PROCESS, "生料分解（熟料）", "Raw-meal calcination (clinker)"),
    (K.LINE_ELECTRICITY, "熟料线用电", "Line electricity"),
)
#: An extra alternative fuel for lines that co-process waste tyres.
TYRE_SOURCES: tuple[tuple[str, str, str], ...] = (
    (K.OTHER_ALTERNATIVE_FUEL, "废轮胎", "Waste tyres"),
)
#: Sources of the site (enterprise boundary only).
SITE_SOURCES: tuple[tuple[str, str, str], ...] = (
    (K.DIESEL_FORKLIFT, "厂内叉车柴油", "Forklift diesel"),
    (K.PURCHASED_ELECTRICITY, "外购电力", "Purchased electricity"),
    (K.EXPORTED_ELECTRICITY, "输出电力", "Exported electricity"),
)
HEAT_SOURCES: tuple[tuple[str, str, str], ...] = (
    (K.PURCHASED_HEAT, "外购热力", "Purchased heat"),
    (K.EXPORTED_HEAT, "输出热力", "Exported heat"),
)


@dataclass(frozen=True)
class TagSpec:
    """A tag of the template; ``high`` is for a 5000 t/d line and scales with capacity."""

    suffix: str
    name_zh: str
    name_en: str
    kind: str
    unit: str
    resolution: float
    aggregation: str
    high: float
    role: str
    source: str | None
    scales: bool = True
    low: float = 0.0


def _rate(suffix: str, zh: str, en: str, high: float, source: str) -> TagSpec:
    return TagSpec(
        suffix, zh, en, "mass_flow", "t/h", 0.01, "measurement", high, "activity", source
    )


def _counter(suffix: str, zh: str, en: str, unit: str, source: str | None) -> TagSpec:
    kind = {"t": "mass", "L": "volume", "kWh": "energy", "GJ": "energy"}[unit]
    return TagSpec(
        suffix,
        zh,
        en,
        kind,
        unit,
        0.001 if unit == "t" else 0.1,
        "total_increasing",
        1e9,
        "activity",
        source,
        scales=False,
    )


def _electricity(suffix: str, zh: str, en: str) -> TagSpec:
    return _counter(suffix, zh, en, "kWh", K.LINE_ELECTRICITY)


def _cems(suffix: str, zh: str, en: str, kind: str, unit: str, low: float, high: float) -> TagSpec:
    return TagSpec(
        suffix, zh, en, kind, unit, 0.01, "measurement", high, "cems", None, scales=False, low=low
    )


LINE_TAGS: tuple[TagSpec, ...] = (
    _rate("COAL-KH-RATE", "窑头喂煤秤瞬时流量", "Kiln-head coal feed rate", 15, K.COAL_KILN_HEAD),
    _counter("COAL-KH-TOT", "窑头喂煤秤累计量", "Kiln-head coal totaliser", "t", K.COAL_KILN_HEAD),
    _rate("COAL-CA-RATE", "分解炉喂煤秤瞬时流量", "Calciner coal feed rate", 25, K.COAL_CALCINER),
    _counter("COAL-CA-TOT", "分解炉喂煤秤累计量", "Calciner coal totaliser", "t", K.COAL_CALCINER),
    _rate("RAWMEAL-RATE", "入窑生料喂料量", "Kiln feed (raw meal) rate", 450, K.RAW_MEAL_PROCESS),
    _counter("RAWMEAL-TOT", "入窑生料累计量", "Kiln feed totaliser", "t", K.RAW_MEAL_PROCESS),
    _rate("CLINKER-RATE", "熟料输送秤瞬时流量", "Clinker output rate", 300, K.RAW_MEAL_PROCESS),
    _counter("CLINKER-TOT", "熟料累计产量", "Clinker output totaliser", "t", K.RAW_MEAL_PROCESS),
    TagSpec(
        "DIESEL-IGN-RATE",
        "点火柴油流量",
        "Ignition diesel flow",
        "volume_flow",
        "L/h",
        0.1,
        "measurement",
        2000,
        "activity",
        K.DIESEL_IGNITION,
        scales=False,
    ),
    _counter(
        "DIESEL-IGN-TOT", "点火柴油累计量", "Ignition diesel totaliser", "L", K.DIESEL_IGNITION
    ),
    _rate("MSW-RATE", "生活垃圾喂料秤流量", "MSW feed rate", 20, K.MSW),
    _counter("MSW-TOT", "生活垃圾累计量", "MSW totaliser", "t", K.MSW),
    _rate("CLOTH-RATE", "布条喂料秤流量", "Cloth-strip feed rate", 8, K.CLOTH_STRIPS),
    _counter("CLOTH-TOT", "布条累计量", "Cloth-strip totaliser", "t", K.CLOTH_STRIPS),
    TagSpec(
        "COAL-NCV-ONLINE",
        "在线煤质低位发热量",
        "Online coal NCV",
        "heating_value",
        "GJ/t",
        0.01,
        "measurement",
        32,
        "parameter",
        K.COAL_CALCINER,
        scales=False,
        low=12,
    ),
    _electricity("EL-CRUSHER", "石灰石破碎电耗", "Limestone crusher electricity"),
    _electricity("EL-RAWMILL", "生料磨电耗", "Raw mill electricity"),
    _electricity("EL-COALMILL", "煤磨电耗", "Coal mill electricity"),
    _electricity("EL-KILN", "烧成系统电耗", "Kiln system electricity"),
    _electricity("EL-ID-FAN", "高温风机电耗", "Preheater ID fan electricity"),
    _electricity("EL-COOLER", "篦冷机电耗", "Cooler electricity"),
    _electricity("EL-AUX", "辅助系统电耗", "Auxiliaries electricity"),
    _electricity("EL-LINE-TOT", "熟料线总电量", "Line total electricity"),
    _counter("WHR-GEN", "余热发电量", "Waste-heat recovery generation", "kWh", None),
    _cems("CEMS-CO2", "窑尾烟气CO2浓度", "Kiln-tail CO2", "volume_fraction", "%vol", 0, 40),
    _cems("CEMS-O2", "窑尾烟气O2浓度", "Kiln-tail O2", "volume_fraction", "%vol", 0, 21),
    _cems(
        "CEMS-FLOW",
        "窑尾烟气流量（标干）",
        "Kiln-tail flow (dry, normal)",
        "volume_flow",
        "Nm3/h",
        0,
        800000,
    ),
    _cems("CEMS-TEMP", "窑尾烟气温度", "Kiln-tail temperature", "temperature", "degC", 0, 300),
    _cems("CEMS-PRESS", "窑尾烟气静压", "Kiln-tail static pressure", "pressure", "Pa", -5000, 5000),
    _cems("CEMS-H2O", "窑尾烟气湿度", "Kiln-tail moisture", "volume_fraction", "%vol", 0, 30),
)

TYRE_TAGS: tuple[TagSpec, ...] = (
    _rate("TYRE-RATE", "废轮胎喂料量", "Waste-tyre feed rate", 5, K.OTHER_ALTERNATIVE_FUEL),
    _counter("TYRE-TOT", "废轮胎累计量", "Waste-tyre totaliser", "t", K.OTHER_ALTERNATIVE_FUEL),
)

SITE_TAGS: tuple[TagSpec, ...] = (
    _counter(
        "EL-PURCHASED",
        "外购电量（关口表）",
        "Purchased electricity (tariff meter)",
        "kWh",
        K.PURCHASED_ELECTRICITY,
    ),
    _counter("EL-EXPORTED", "上网电量", "Exported electricity", "kWh", K.EXPORTED_ELECTRICITY),
    TagSpec(
        "DIESEL-FORKLIFT",
        "叉车加油量",
        "Forklift diesel issued",
        "volume",
        "L",
        0.01,
        "total",
        500,
        "activity",
        K.DIESEL_FORKLIFT,
        scales=False,
    ),
)
HEAT_TAGS: tuple[TagSpec, ...] = (
    _counter("HEAT-PURCHASED", "外购热量", "Purchased heat", "GJ", K.PURCHASED_HEAT),
    _counter("HEAT-EXPORTED", "输出热量", "Exported heat", "GJ", K.EXPORTED_HEAT),
)
