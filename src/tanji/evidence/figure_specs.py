"""The figures an evidence bundle can claim for a production line and a period.

Each builder returns a :class:`~tanji.evidence.figures.FigureSpec` whose inputs mirror the live
engine's bindings (:mod:`tanji.emissions.bindings`): the same tags, lab parameters and library
keys, so the bundle's figure is the platform's figure recomputed from raw evidence (R7.3, R8.2).
Tags follow the plant's naming ``<line code>-<suffix>``; lab results are read as
``lab.<line id>.<material>.<parameter>`` (:func:`tanji.protocols.records.lab_tag`).
"""

from __future__ import annotations

from datetime import datetime

from tanji.accounting.factors import FactorLibrary, load_library
from tanji.evidence.figures import FigureSpec
from tanji.protocols.records import lab_tag

__all__ = [
    "FIGURE_KINDS",
    "LINE_METERS",
    "SUB_METERS",
    "electricity_emissions",
    "electricity_meters",
    "process_emissions",
]

#: The figure kinds the export offers besides ``coal_combustion``.
FIGURE_KINDS = ("process", "electricity")
#: The line's total energy meter, and the sub-meters that stand in for it when it is missing —
#: the two groups of the engine's ``line_electricity`` binding (``tanji.emissions.bindings``).
LINE_METERS = ("EL-LINE-TOT",)
SUB_METERS = (
    "EL-CRUSHER",
    "EL-RAWMILL",
    "EL-COALMILL",
    "EL-KILN",
    "EL-ID-FAN",
    "EL-COOLER",
    "EL-AUX",
)


def process_emissions(
    line_code: str, line_id: int, period: tuple[datetime, datetime]
) -> FigureSpec:
    """Process CO2 of a line: carbonates by the clinker-output method plus raw-meal TOC.

    GB/T 32151.8-2015 cl. 5 / 2023 cl. 6 and the 2025 national clinker guideline:
    E = Q_cli × [(FR1 − FR10) × 44/56 + (FR2 − FR20) × 44/40] + Q_rm × FR0 × 44/12, with
    Q_cli and Q_rm the totalisers' increments in the period, FR1/FR10/FR2 the clinker lab
    means and FR0 the raw-meal TOC mean of the period, FR20 the library default (no lab
    parameter measures it).
    """

    def lab(material: str, parameter: str) -> str:
        return f"mean({lab_tag(line_id, material, parameter)}, 1)"

    return FigureSpec(
        "clinker_process",
        {
            "clinker_t": f"counter({line_code}-CLINKER-TOT, t)",
            "raw_meal_t": f"counter({line_code}-RAWMEAL-TOT, t)",
            "cao_fraction": lab("clinker", "cao"),
            "cao_noncarbonate_fraction": lab("clinker", "non_carbonate_cao"),
            "mgo_fraction": lab("clinker", "mgo"),
            "mgo_noncarbonate_fraction": "factor(clinker.mgo_noncarbonate_fraction)",
            "toc_fraction": lab("raw_meal", "toc"),
        },
        period=period,
    )


def electricity_emissions(
    line_code: str,
    period: tuple[datetime, datetime],
    *,
    grid_key: str = "grid.national",
    library: FactorLibrary | None = None,
    meters: tuple[str, ...] = LINE_METERS,
) -> FigureSpec:
    """Indirect CO2 of a line's electricity: the line meters' MWh × the grid factor.

    GB/T 32151.8 net purchased electricity, E = AD × EF; AD the increment of the line's total
    energy meter — or of its sub-meters together (``meters``, suffixes) where it has none —
    in kWh converted to MWh; EF the library's grid factor valid at the period's start (the
    clinker guideline 2025 uses the national grid average).
    """
    entry = (library or load_library()).lookup(grid_key, period[0].date())
    tags = "+".join(f"{line_code}-{m}" for m in meters)
    return FigureSpec(
        "electricity",
        {
            "purchased_mwh": f"counter({tags}, MWh)",
            "exported_mwh": "const(0, MWh)",
            "grid_factor_tco2_per_mwh": f"factor({entry.id})",
        },
        period=period,
    )


def electricity_meters(line_code: str, tag_codes: set[str]) -> tuple[str, ...]:
    """The meters of a line the electricity figure reads: its total meter, else its sub-meters."""
    if all(f"{line_code}-{m}" in tag_codes for m in LINE_METERS):
        return LINE_METERS
    return tuple(m for m in SUB_METERS if f"{line_code}-{m}" in tag_codes) or LINE_METERS
