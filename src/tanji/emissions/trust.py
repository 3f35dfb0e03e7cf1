"""The trust level of the data behind a figure: which tag-hours hold unsigned samples (R4.2.1).

A sample names the envelope it came from (``evidence_id``); an envelope's trust level says
whether its source signed it (a tanji terminal) or not (an HJ 212 data logger, manual or file
entry of readings). An hour of a tag is *unsigned* when any of its stored samples came from an
unsigned envelope, and every figure computed from it takes the quality ``unsigned_source``
(worst wins, ADR 0123), so the lower trust level shows wherever the figure does (ADR 0183).

Samples written without an envelope (the demo's simulated history) are outside the trust model
and do not count here; ``tanji audit`` reports them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from tanji.emissions.inputs import TagHours
from tanji.evidence.choices import TrustLevelChoices
from tanji.evidence.models import RawEnvelope
from tanji.timeseries.models import Sample
from tanji.timeseries.rollups import HOUR_MS

__all__ = ["unsigned_hours", "with_trust"]

BoolArray = npt.NDArray[np.bool_]


def unsigned_hours(
    enterprise_id: int, tag_ids: Iterable[int], hours: npt.NDArray[np.int64]
) -> dict[int, BoolArray]:
    """Per tag, which of ``hours`` hold a sample from an unsigned envelope of the enterprise.

    One query for the enterprise's unsigned envelopes with samples; only when there are any are
    the tags' samples of the window read (by their primary key range).
    """
    tags = sorted(set(tag_ids))
    out = {t: np.zeros(hours.size, bool) for t in tags}
    if not hours.size or not tags:
        return out
    unsigned = RawEnvelope.objects.filter(
        enterprise_id=enterprise_id, trust_level=TrustLevelChoices.UNSIGNED, sample_count__gt=0
    ).values("pk")
    if not unsigned.exists():
        return out
    start, end = int(hours[0]), int(hours[-1]) + HOUR_MS
    rows = Sample.objects.filter(
        tag_id__in=tags, ts__gte=start, ts__lt=end, evidence_id__in=unsigned
    ).values_list("tag_id", "ts")
    for tag_id, ts in rows.iterator():
        out[tag_id][(ts - start) // HOUR_MS] = True
    return out


def with_trust(
    data: dict[int, TagHours], enterprise_id: int, hours: npt.NDArray[np.int64]
) -> dict[int, TagHours]:
    """``data`` with each tag's unsigned hours attached (see :func:`unsigned_hours`)."""
    marks = unsigned_hours(enterprise_id, data, hours)
    return {t: replace(h, unsigned=marks[t]) for t, h in data.items()}
