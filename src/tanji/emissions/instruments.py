"""Narrow adapter to metrology: a tag's calibration status and relative standard uncertainty.

Reads the instrument ledger directly (accuracy class, calibration status) until metrology offers
``tag_metrology_status`` / ``tag_standard_uncertainty``; switching is this module only (ADR 0123).
An accuracy class is a maximum permissible error of ±class % of the reading, taken as a
rectangular distribution: u = class % / √3 (JJF 1059.1-2012 §4.3.3.2, Type B).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from tanji.metrology import queries as metrology_queries
from tanji.tenancy.actor import Actor

#: Relative standard uncertainty of a tag without a classed instrument (class 2.0 assumed).
UNLINKED_U_REL = 0.02 / math.sqrt(3.0)
#: Calibration states that make a measured value doubtful (data quality ``overdue_instrument``).
DOUBTFUL_STATES = frozenset({"overdue"})


def tag_u_rel(actor: Actor, tag_ids: Iterable[int]) -> dict[int, float]:
    """Relative standard uncertainty of each tag (the worst of its instruments)."""
    wanted = set(tag_ids)
    found: dict[int, float] = {}
    rows = metrology_queries.instruments(actor, active_only=True).filter(tags__id__in=wanted)
    for tag_id, accuracy in rows.values_list("tags__id", "accuracy_class"):
        try:
            u = float(str(accuracy).rstrip("S")) / 100.0 / math.sqrt(3.0)
        except ValueError:
            u = UNLINKED_U_REL
        found[tag_id] = max(found.get(tag_id, 0.0), u)
    return {tag_id: found.get(tag_id, UNLINKED_U_REL) for tag_id in wanted}


def overdue_tags(actor: Actor, tag_ids: Iterable[int]) -> set[int]:
    """Tags measured by an instrument whose verification or calibration is overdue."""
    rows = metrology_queries.instruments(actor, active_only=True).filter(
        tags__id__in=set(tag_ids), calibration_status__in=DOUBTFUL_STATES
    )
    return set(rows.values_list("tags__id", flat=True))
