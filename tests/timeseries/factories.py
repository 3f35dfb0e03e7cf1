"""Sample streams for the time-series tests."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from pathlib import Path

from tanji.timeseries.samples import ts_ms
from tanji.timeseries.sqlite import SqliteStore

MINUTE_MS = 60_000
#: 2025-06-30 14:00 UTC = 22:00 China Standard Time: a day and a month boundary lie 2 h later.
NEAR_MONTH_END = ts_ms(datetime(2025, 6, 30, 14, 0, tzinfo=UTC))


#: The SQLite tables of the store, as the migrations create them.
SQLITE_DDL = [
    *importlib.import_module("tanji.timeseries.migrations.0001_initial").DDL["sqlite"],
    importlib.import_module("tanji.timeseries.migrations.0002_rollup_pending").DDL["sqlite"],
    *importlib.import_module("tanji.timeseries.migrations.0003_recent_samples").DDL["sqlite"],
]


def sqlite_file(directory: Path) -> str:
    """A new SQLite database file in ``directory`` holding the store's tables."""
    file = str(directory / "timeseries.sqlite3")
    store = SqliteStore.open(file)
    for statement in SQLITE_DDL:
        store.db.execute(statement)
    store.db.close()
    return file


def minute_rows(
    tag_id: int, start_ms: int, values: list[float], flag: str = "N"
) -> list[tuple[int, int, float, str]]:
    """One sample a minute from ``start_ms``."""
    return [(tag_id, start_ms + i * MINUTE_MS, v, flag) for i, v in enumerate(values)]
