"""Meter anomaly scan of a line: store samples → :func:`tanji.analytics.anomalies.scan` → alerts.

Profiles come from each tag's declaration (aggregation, quantity kind, unit, roll-over value);
the kiln feed is judged against the clinker output (料耗比) and kiln stops are found from the
clinker rate, both by the demo template's tag suffixes. Anomalies become alerts of the engine's
alert list (ADR 0203): a gap joins the engine's missing-data alert of the tag, the other kinds
open one alert per tag and kind, widened while the condition recurs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import connection

from tanji.analytics.anomalies import (
    Anomaly,
    AnomalyKind,
    Balance,
    LineScan,
    MeterKind,
    Profile,
    Series,
    scan,
)
from tanji.emissions import alerts
from tanji.emissions.choices import AlertKindChoices as Kind
from tanji.plant import queries as plant_queries
from tanji.plant.models import Tag
from tanji.tenancy.actor import Actor
from tanji.tenancy.permissions import Action
from tanji.timeseries.rollups import HOUR_MS
from tanji.timeseries.samples import VALID_FLAG
from tanji.timeseries.store import SampleStore, store_for

#: Tag suffixes of the demo template: the production meter and the balances.
PRODUCTION_SUFFIX = "CLINKER-RATE"
BALANCES = (("RAWMEAL-RATE", "CLINKER-RATE", "kiln feed / clinker (料耗比)"),)
ANALYSER_KINDS = frozenset({"volume_fraction", "temperature", "pressure", "volume_flow"})
ALERT_KIND = {
    AnomalyKind.STUCK: Kind.METER_STUCK,
    AnomalyKind.SPIKE: Kind.METER_SPIKE,
    AnomalyKind.DRIFT: Kind.METER_DRIFT,
    AnomalyKind.COUNTER_BACKWARDS: Kind.COUNTER_BACKWARDS,
    AnomalyKind.GAP: Kind.MISSING_DATA,
}


@dataclass(frozen=True)
class Finding:
    """An anomaly with the tag it belongs to."""

    tag_id: int
    tag_code: str
    kind: str
    start_ms: int
    end_ms: int
    score: float
    detail: str


def profile_of(tag: Tag) -> Profile:
    """How a tag is checked, from its declaration."""
    if tag.aggregation == "total_increasing":
        return Profile(MeterKind.COUNTER, register_max=tag.rollover_max)
    if tag.quantity_kind == "mass_flow":
        return Profile(MeterKind.RATE)
    if tag.quantity_kind in ANALYSER_KINDS and tag.unit != "L/h":  # oil burners run steady
        return Profile(MeterKind.ANALYSER)
    return Profile(MeterKind.STEADY)


def _series(store: SampleStore, tag: Tag, start_ms: int, end_ms: int) -> Series:
    samples = store.read_samples(tag.pk, start_ms, end_ms)
    return Series(tag.code, samples.ts, samples.value, samples.flag == VALID_FLAG)


def scan_line(actor: Actor, line_id: int, start_ms: int, end_ms: int) -> list[Finding]:
    """Every anomaly of the line's active tags in ``[start_ms, end_ms)`` (nothing is written)."""
    line = plant_queries.line(actor, line_id)
    tags = {t.code: t for t in plant_queries.tags(actor).filter(line_id=line.pk, active=True)}
    store = store_for(connection)
    prefix = f"{line.code}-"
    balances = tuple(
        Balance(prefix + subject, prefix + reference, name)
        for subject, reference, name in BALANCES
        if prefix + subject in tags and prefix + reference in tags
    )
    series = {code: _series(store, tag, start_ms, end_ms) for code, tag in tags.items()}
    found = scan(
        LineScan(
            (start_ms, end_ms),
            {code: s for code, s in series.items() if len(s)},  # silent tags: not connected
            {code: profile_of(tag) for code, tag in tags.items()},
            balances,
            prefix + PRODUCTION_SUFFIX if prefix + PRODUCTION_SUFFIX in tags else None,
        )
    )
    return [_finding(a, tags[a.tag]) for a in found]


def _finding(anomaly: Anomaly, tag: Tag) -> Finding:
    return Finding(
        tag.pk,
        tag.code,
        str(anomaly.kind),
        anomaly.start_ms,
        anomaly.end_ms,
        anomaly.score,
        anomaly.detail,
    )


def scan_and_alert(actor: Actor, line_id: int, start_ms: int, end_ms: int) -> list[Finding]:
    """Scan the line, raise its findings as alerts and resolve those that cleared.

    One alert per finding's condition, opened or widened (ADR 0203); the scan's alerts of the
    line last seen before ``end_ms`` that the window no longer shows are resolved (ADR 0240).
    """
    line = plant_queries.line(actor, line_id)
    actor.require(Action.EDIT_TAGS, line.enterprise)
    findings = scan_line(actor, line_id, start_ms, end_ms)
    holding: set[str] = set()
    for item in findings:
        kind = ALERT_KIND[AnomalyKind(item.kind)]
        prefix = "missing" if kind == Kind.MISSING_DATA else item.kind
        first = item.start_ms - item.start_ms % HOUR_MS
        last = max(item.end_ms - 1, item.start_ms)
        holding.add(f"{prefix}:{item.tag_id}")
        alerts.open_or_update(
            line.enterprise_id,
            line.pk,
            kind,
            f"{prefix}:{item.tag_id}",
            (first, last - last % HOUR_MS),
            tag_id=item.tag_id,
            value=float(np.round(item.score, 6)),
            detail={"source": "analytics", "detail": item.detail, "end_ms": item.end_ms},
        )
    alerts.resolve_cleared(
        actor, line.enterprise_id, ALERT_KIND.values(), holding,
        line_id=line.pk, source="analytics", before_ms=end_ms,
    )  # fmt: skip
    return findings
