"""Which stored envelopes a figure's bundle must carry besides those received in its window.

Two kinds (ADR 0181, 0211):

- lab records: the newest record of each analysis of the lines the figure reads, sampled in
  its period — as logged: bare (``lab``), attested by the platform for the signed-in user
  (``lab-attested``) or signed by the person's own key (``lab-signed``);
- counter baselines: for each ``counter(TAG, …)`` input, the source-signed envelope holding the
  tag's last valid reading before the period's start, so the step into the period is counted
  offline exactly as the platform counted it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tanji.errors import CodedError
from tanji.evidence.choices import ChannelChoices, TrustLevelChoices
from tanji.evidence.figures import FigureSpec
from tanji.evidence.models import RawEnvelope
from tanji.evidence.records import stored_record
from tanji.protocols.readings import QualityFlag, decode_batch
from tanji.protocols.records import LAB_FORMAT, parse_record, record_format
from tanji.tenancy.models import Enterprise
from tanji.trust.dsse import decode_envelope

__all__ = ["BASELINE_LOOKBACK", "baseline_envelopes", "lab_kind", "lab_records"]

_LAB_TAG = re.compile(r"\blab\.([0-9]+|-)\.")
_COUNTER = re.compile(r"counter\(\s*([^,()\s]+)\s*,")
#: How far before the period a counter's last reading is looked for (a meter silent for longer
#: starts its period at its first reading in it, as ``delta`` does).
BASELINE_LOOKBACK = timedelta(days=7)
_NEVER = datetime.min.replace(tzinfo=UTC)
_KINDS = {
    TrustLevelChoices.UNSIGNED: "lab",
    TrustLevelChoices.SESSION_ATTESTED: "lab-attested",
    TrustLevelChoices.SIGNED: "lab-signed",
    TrustLevelChoices.USER_SIGNED: "lab-signed",
}


def lab_kind(row: RawEnvelope) -> str:
    """The bundle record kind of a logged lab record, by its trust level."""
    return _KINDS[TrustLevelChoices(row.trust_level)]


def lab_records(
    enterprise: Enterprise, spec: FigureSpec, window: tuple[datetime, datetime]
) -> list[RawEnvelope]:
    """The newest lab record of each analysis of the lines the figure reads, in its period."""
    lines = set(_LAB_TAG.findall(" ".join(spec.inputs.values())))
    if not lines:
        return []
    start, end = spec.period or window
    newest: dict[int, RawEnvelope] = {}
    rows = RawEnvelope.objects.filter(  # recorded no earlier than sampled
        enterprise=enterprise, channel=ChannelChoices.RECORD, received_at__gte=start
    )
    for row in rows.order_by("log_index"):
        body = stored_record(row)
        if record_format(body) != LAB_FORMAT:
            continue
        record = parse_record(body)
        line = "-" if record["line"] is None else str(record["line"])
        if line in lines and start <= datetime.fromisoformat(record["sampled_at"]) < end:
            newest[record["analysis"]] = row
    return sorted(newest.values(), key=lambda r: r.log_index)


def baseline_envelopes(
    enterprise: Enterprise, spec: FigureSpec, exported: list[RawEnvelope]
) -> list[RawEnvelope]:
    """Signed envelopes holding each counter tag's last valid reading before the period.

    The envelopes already exported are searched first (a late batch may hold it), then those
    received in the :data:`BASELINE_LOOKBACK` before the period, newest first, until every tag
    has one (terminals deliver in order, so the newest holding the tag holds its last reading).
    Only envelopes not already exported are returned.
    """
    tags = {t for m in _COUNTER.findall(" ".join(spec.inputs.values())) for t in m.split("+")}
    if not tags or spec.period is None:
        return []
    start = spec.period[0]
    best: dict[str, tuple[datetime, RawEnvelope]] = {}
    for row in exported:
        _improve(best, row, tags, start)
    earlier = RawEnvelope.objects.filter(
        enterprise=enterprise,
        trust_level=TrustLevelChoices.SIGNED,
        received_at__gte=start - BASELINE_LOOKBACK,
        received_at__lt=start,
    ).exclude(channel=ChannelChoices.RECORD)
    for row in earlier.order_by("-log_index").iterator():
        if best.keys() >= tags:
            break
        _improve(best, row, tags, start)
    chosen = {row.pk: row for _, row in best.values()}
    known = {row.pk for row in exported}
    return sorted((r for pk, r in chosen.items() if pk not in known), key=lambda r: r.log_index)


def _improve(
    best: dict[str, tuple[datetime, RawEnvelope]], row: RawEnvelope, tags: set[str], start: datetime
) -> None:
    """Keep ``row`` for each tag whose valid reading before ``start`` in it is the latest yet."""
    try:
        batch = decode_batch(decode_envelope(bytes(row.body)).payload)
    except CodedError:  # a signed envelope of another payload type holds no readings
        return
    for reading in batch.readings:
        usable = reading.tag in tags and reading.flag is QualityFlag.NORMAL
        if usable and reading.time < start and reading.time > best.get(reading.tag, (_NEVER,))[0]:
            best[reading.tag] = (reading.time, row)
