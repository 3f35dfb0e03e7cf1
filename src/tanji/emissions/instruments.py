"""Adapter to metrology: a tag's calibration state and relative standard uncertainty.

Both come from metrology's own readers — ``tag_metrology_status`` (worst state of the tag's
instruments: ok, overdue, failed, maintenance, no_instrument) and ``tag_standard_uncertainty``
(certificate U/k, else the accuracy class as a rectangular half-width, JJF 1059.1 §4.3.3) — so
the emission engine and the metrology pages judge an instrument alike (ADR 0123). The engine
works with relative uncertainties: for % of reading instruments u/value does not depend on the
value; for full-scale instruments the mid-range value stands for the tag.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

from tanji.metrology import queries as metrology_queries
from tanji.plant.models import Tag
from tanji.tenancy.actor import Actor
from tanji.tenancy.validation import InvalidInput

#: Relative standard uncertainty of a tag without a usable basis (class 2.0 assumed).
UNLINKED_U_REL = 0.02 / math.sqrt(3.0)
#: Metrology states that make a measured value doubtful (data quality ``overdue_instrument``).
DOUBTFUL_STATES = frozenset({"overdue", "failed", "maintenance"})


def tag_u_rel(actor: Actor, tags: Iterable[Tag], at: date) -> dict[int, float]:
    """Relative standard uncertainty of each tag's readings on ``at``."""
    found = {}
    for tag in tags:
        value = abs(tag.range_min + tag.range_max) / 2.0 or 1.0
        try:
            u = metrology_queries.tag_standard_uncertainty(actor, tag.pk, value, at).u
        except InvalidInput:  # no fitted instrument with a certificate or a class
            found[tag.pk] = UNLINKED_U_REL
            continue
        found[tag.pk] = u / value
    return found


def overdue_tags(actor: Actor, tag_ids: Iterable[int], at: date) -> set[int]:
    """Tags whose instrument is overdue, failed or in maintenance on ``at``."""
    states = metrology_queries.tag_metrology_status(actor, list(tag_ids), at)
    return {tag_id for tag_id, status in states.items() if status.state in DOUBTFUL_STATES}
