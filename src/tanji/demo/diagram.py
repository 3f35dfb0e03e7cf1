"""The per-line carbon-flow diagram, instruments and lab samples of the demo, as data.

Edges name the emission sources they feed (by kind) and the instruments placed on them; the
instrument list maps each meter to the tags it produces (standards §8 accuracy classes).
"""

from __future__ import annotations

from dataclasses import dataclass

from tanji.plant.choices import SourceKindChoices as K

#: (key, kind, name_zh, name_en, x, y)
NODES: tuple[tuple[str, str, str, str, float, float], ...] = (
    ("grid", "external", "电网", "Grid", 0, 0),
    ("coal-yard", "store", "原煤堆场", "Coal yard", 0, 2),
    ("coal-mill", "process_unit", "煤磨", "Coal mill", 1, 2),
    ("kh-feeder", "feeder", "窑头煤粉秤", "Kiln-head coal feeder", 2, 3),
    ("ca-feeder", "feeder", "分解炉煤粉秤", "Calciner coal feeder", 2, 1),
    ("raw-mill", "process_unit", "生料磨", "Raw mill", 1, 0),
    ("homo-silo", "store", "生料均化库", "Homogenising silo", 2, 0),
    ("af-store", "store", "替代燃料预处理", "Alternative-fuel preparation", 2, 4),
    ("diesel-tank", "store", "柴油罐", "Diesel tank", 3, 4),
    ("preheater", "process_unit", "预热器及分解炉", "Preheater and calciner", 3, 1),
    ("kiln", "process_unit", "回转窑", "Rotary kiln", 4, 2),
    ("cooler", "process_unit", "篦冷机", "Grate cooler", 5, 2),
    ("clinker-silo", "store", "熟料库", "Clinker silo", 6, 2),
    ("whr", "process_unit", "余热发电", "Waste-heat recovery", 4, 0),
    ("stack", "external", "窑尾烟囱", "Kiln-tail stack", 4, -1),
)

#: (key, from, to, medium, name_zh, name_en, source kinds fed)
EDGES: tuple[tuple[str, str, str, str, str, str, tuple[str, ...]], ...] = (
    ("coal-raw", "coal-yard", "coal-mill", "fuel", "原煤", "Raw coal", ()),
    (
        "coal-kh",
        "coal-mill",
        "kh-feeder",
        "fuel",
        "窑头煤粉",
        "Kiln-head coal powder",
        (K.COAL_KILN_HEAD,),
    ),
    (
        "coal-ca",
        "coal-mill",
        "ca-feeder",
        "fuel",
        "分解炉煤粉",
        "Calciner coal powder",
        (K.COAL_CALCINER,),
    ),
    ("coal-kh-burn", "kh-feeder", "kiln", "fuel", "窑头喂煤", "Kiln-head firing", ()),
    ("coal-ca-burn", "ca-feeder", "preheater", "fuel", "分解炉喂煤", "Calciner firing", ()),
    ("raw-meal", "raw-mill", "homo-silo", "material", "生料", "Raw meal", ()),
    (
        "kiln-feed",
        "homo-silo",
        "preheater",
        "material",
        "入窑生料",
        "Kiln feed",
        (K.RAW_MEAL_PROCESS,),
    ),
    ("hot-meal", "preheater", "kiln", "material", "入窑热生料", "Calcined meal", ()),
    ("clinker-hot", "kiln", "cooler", "material", "高温熟料", "Hot clinker", ()),
    ("clinker-out", "cooler", "clinker-silo", "material", "熟料", "Clinker", (K.RAW_MEAL_PROCESS,)),
    ("msw-feed", "af-store", "preheater", "fuel", "生活垃圾", "MSW", (K.MSW,)),
    ("cloth-feed", "af-store", "preheater", "fuel", "废布条", "Cloth strips", (K.CLOTH_STRIPS,)),
    (
        "diesel-ign",
        "diesel-tank",
        "kiln",
        "fuel",
        "点火柴油",
        "Ignition diesel",
        (K.DIESEL_IGNITION,),
    ),
    (
        "power-line",
        "grid",
        "raw-mill",
        "electricity",
        "熟料线供电",
        "Line power supply",
        (K.LINE_ELECTRICITY,),
    ),
    ("whr-heat", "preheater", "whr", "heat", "窑尾废气余热", "Waste heat", ()),
    ("whr-power", "whr", "grid", "electricity", "余热发电", "WHR power", ()),
    ("kiln-flue", "preheater", "stack", "flue_gas", "窑尾烟气", "Kiln-tail flue gas", ()),
)


@dataclass(frozen=True)
class InstrumentSpec:
    """An instrument of the template: what it is, where it sits, which tags it produces."""

    suffix: str
    name_zh: str
    instrument_type: str
    maker: str
    model: str
    range_max: float
    unit: str
    accuracy_class: str
    edge: str | None
    tags: tuple[str, ...]
    range_min: float = 0.0


def _meter(suffix: str, name_zh: str, tag: str, accuracy: str = "0.5S") -> InstrumentSpec:
    return InstrumentSpec(
        suffix,
        name_zh,
        "energy_meter",
        "威胜",
        "DTSD341",
        1e9,
        "kWh",
        accuracy,
        "power-line",
        (tag,),
    )


LINE_INSTRUMENTS: tuple[InstrumentSpec, ...] = (
    InstrumentSpec(
        "FS-KH",
        "窑头转子秤",
        "rotor_scale",
        "Schenck Process",
        "DRW 6.10",
        15,
        "t/h",
        "0.5",
        "coal-kh",
        ("COAL-KH-RATE", "COAL-KH-TOT"),
    ),
    InstrumentSpec(
        "FS-CA",
        "分解炉转子秤",
        "rotor_scale",
        "Schenck Process",
        "DRW 6.12",
        25,
        "t/h",
        "0.5",
        "coal-ca",
        ("COAL-CA-RATE", "COAL-CA-TOT"),
    ),
    InstrumentSpec(
        "FM-KF",
        "入窑生料固体流量计",
        "solid_flow_meter",
        "Schenck Process",
        "MULTISTREAM",
        450,
        "t/h",
        "0.5",
        "kiln-feed",
        ("RAWMEAL-RATE", "RAWMEAL-TOT"),
    ),
    InstrumentSpec(
        "BS-CL",
        "熟料链斗秤",
        "belt_scale",
        "赛摩",
        "ICS-17A",
        300,
        "t/h",
        "0.5",
        "clinker-out",
        ("CLINKER-RATE", "CLINKER-TOT"),
    ),
    InstrumentSpec(
        "FM-DI",
        "点火柴油流量计",
        "liquid_flow_meter",
        "E+H",
        "Promass 300",
        2000,
        "L/h",
        "0.5",
        "diesel-ign",
        ("DIESEL-IGN-RATE", "DIESEL-IGN-TOT"),
    ),
    InstrumentSpec(
        "BS-MSW",
        "垃圾喂料皮带秤",
        "belt_scale",
        "赛摩",
        "ICS-20",
        20,
        "t/h",
        "0.5",
        "msw-feed",
        ("MSW-RATE", "MSW-TOT"),
    ),
    InstrumentSpec(
        "BS-CS",
        "布条喂料皮带秤",
        "belt_scale",
        "赛摩",
        "ICS-20",
        8,
        "t/h",
        "0.5",
        "cloth-feed",
        ("CLOTH-RATE", "CLOTH-TOT"),
    ),
    InstrumentSpec(
        "AN-NCV",
        "在线煤质分析仪",
        "other",
        "丹东东方",
        "DF-5703",
        35,
        "GJ/t",
        "unclassed",
        "coal-raw",
        ("COAL-NCV-ONLINE",),
    ),
    _meter("EM-CR", "破碎电能表", "EL-CRUSHER"),
    _meter("EM-RM", "生料磨电能表", "EL-RAWMILL"),
    _meter("EM-CM", "煤磨电能表", "EL-COALMILL"),
    _meter("EM-KS", "烧成系统电能表", "EL-KILN"),
    _meter("EM-ID", "高温风机电能表", "EL-ID-FAN"),
    _meter("EM-CO", "篦冷机电能表", "EL-COOLER"),
    _meter("EM-AX", "辅助系统电能表", "EL-AUX"),
    _meter("EM-LT", "熟料线总电能表", "EL-LINE-TOT", "0.2S"),
    InstrumentSpec(
        "EM-WHR",
        "余热发电电能表",
        "energy_meter",
        "威胜",
        "DTSD341",
        1e9,
        "kWh",
        "0.5S",
        "whr-power",
        ("WHR-GEN",),
    ),
    InstrumentSpec(
        "CEMS-GA",
        "窑尾CEMS气体分析仪",
        "gas_analyser",
        "SICK",
        "MCS100E",
        40,
        "%vol",
        "unclassed",
        "kiln-flue",
        ("CEMS-CO2", "CEMS-O2", "CEMS-H2O"),
    ),
    InstrumentSpec(
        "CEMS-FL",
        "窑尾CEMS流速仪",
        "gas_flow_meter",
        "SICK",
        "FLOWSIC100",
        800000,
        "Nm3/h",
        "2.0",
        "kiln-flue",
        ("CEMS-FLOW",),
    ),
    InstrumentSpec(
        "CEMS-TT",
        "窑尾温度变送器",
        "temperature",
        "Rosemount",
        "3144P",
        300,
        "degC",
        "1.0",
        "kiln-flue",
        ("CEMS-TEMP",),
    ),
    InstrumentSpec(
        "CEMS-PT",
        "窑尾压力变送器",
        "pressure",
        "Rosemount",
        "3051",
        5000,
        "Pa",
        "1.0",
        "kiln-flue",
        ("CEMS-PRESS",),
        range_min=-5000,
    ),
)

SITE_INSTRUMENTS: tuple[InstrumentSpec, ...] = (
    InstrumentSpec(
        "EM-GRID-IN",
        "关口电能表（购入）",
        "energy_meter",
        "威胜",
        "DTZ341",
        1e9,
        "kWh",
        "0.2S",
        None,
        ("EL-PURCHASED",),
    ),
    InstrumentSpec(
        "EM-GRID-OUT",
        "上网电能表",
        "energy_meter",
        "威胜",
        "DTZ341",
        1e9,
        "kWh",
        "0.2S",
        None,
        ("EL-EXPORTED",),
    ),
    InstrumentSpec(
        "FD-FL",
        "叉车加油机",
        "fuel_dispenser",
        "正星",
        "ZX-2244",
        60,
        "L/min",
        "0.5",
        None,
        ("DIESEL-FORKLIFT",),
    ),
)

#: (sample suffix, material, source kind, method standard, [(parameter, value, unit, u)])
LAB_SAMPLES: tuple[tuple[str, str, str, str, tuple[tuple[str, float, str, float], ...]], ...] = (
    (
        "COAL-0601",
        "coal",
        K.COAL_CALCINER,
        "GB/T 213-2008",
        (
            ("ncv", 22.46, "GJ/t", 0.12),
            ("carbon_content", 0.02618, "tC/GJ", 0.0004),
            ("moisture", 8.4, "%", 0.2),
            ("ash", 21.3, "%", 0.3),
            ("volatile_matter", 27.5, "%", 0.4),
        ),
    ),
    (
        "RM-0601",
        "raw_meal",
        K.RAW_MEAL_PROCESS,
        "GB/T 176-2017",
        (
            ("cao", 43.6, "%", 0.15),
            ("mgo", 1.85, "%", 0.05),
            ("toc", 0.12, "%", 0.02),
            ("loss_on_ignition", 35.4, "%", 0.1),
        ),
    ),
    (
        "CL-0601",
        "clinker",
        K.RAW_MEAL_PROCESS,
        "GB/T 176-2017",
        (
            ("cao", 65.3, "%", 0.15),
            ("mgo", 2.05, "%", 0.05),
            ("non_carbonate_cao", 0.8, "%", 0.1),
        ),
    ),
    (
        "MSW-0601",
        "msw",
        K.MSW,
        "GB/T 213-2008",
        (
            ("ncv", 5.6, "GJ/t", 0.3),
            ("moisture", 38.0, "%", 1.5),
            ("carbon_mass_fraction", 22.0, "%", 1.0),
            ("fossil_carbon_fraction", 39.0, "%", 3.0),
        ),
    ),
)
