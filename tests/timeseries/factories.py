"""Sample streams for the time-series tests."""

from __future__ import annotations

from datetime import UTC, datetime

from tanji.timeseries.samples import ts_ms

MINUTE_MS = 60_000
#: 2025-06-30 14:00 UTC = 22:00 China Standard Time: a day and a month boundary lie 2 h later.
NEAR_MONTH_END = ts_ms(datetime(2025, 6, 30, 14, 0, tzinfo=UTC))


def minute_rows(
    tag_id: int, start_ms: int, values: list[float], flag: str = "N"
) -> list[tuple[int, int, float, str]]:
    """One sample a minute from ``start_ms``."""
    return [(tag_id, start_ms + i * MINUTE_MS, v, flag) for i, v in enumerate(values)]
