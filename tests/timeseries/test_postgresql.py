"""PostgreSQL specifics: monthly partitions and their boundaries."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from tanji.timeseries.partitions import ensure_ahead, list_partitions
from tanji.timeseries.postgresql import PostgresStore
from tanji.timeseries.samples import Resolution, ts_ms
from tanji.timeseries.store import store_for
from tests.conftest import require_component
from tests.timeseries.factories import MINUTE_MS

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
#: 2025-07-01 00:00 China Standard Time, the boundary of the June and July partitions.
JULY = ts_ms(datetime(2025, 6, 30, 16, tzinfo=UTC))


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    require_component(
        "PostgreSQL",
        connection.vendor == "postgresql",
        "scripts/test runs these on a throw-away cluster (scripts/pg-up, TANJI_TEST_DATABASE_URL)",
    )


def _partition_of(ts: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM timeseries_sample WHERE tag_id = 1 AND ts = %s",
            (ts,),
        )
        return str(cursor.fetchone()[0])


def test_samples_land_in_the_partition_of_their_china_standard_time_month() -> None:
    store = store_for(connection)
    store.write([(1, JULY - 1, 1.0, "N"), (1, JULY, 2.0, "N"), (1, JULY + MINUTE_MS, 3.0, "N")])
    assert _partition_of(JULY - 1) == "timeseries_sample_y2025m06"
    assert _partition_of(JULY) == "timeseries_sample_y2025m07"
    bounds = {p.name: (p.lo, p.hi) for p in list_partitions(connection)}
    assert (
        bounds["timeseries_sample_y2025m06"][1] == JULY == bounds["timeseries_sample_y2025m07"][0]
    )
    assert store.read_samples(1, JULY - 1, JULY + 1).value.tolist() == [1.0, 2.0]


def test_corrections_across_partitions_keep_history() -> None:
    store = store_for(connection)
    store.write([(1, JULY - 1, 1.0, "N"), (1, JULY, 2.0, "N")])
    result = store.write([(1, JULY - 1, 1.5, "N"), (1, JULY, 2.5, "N")])
    assert result.corrected == 2
    assert store.read_history(1, JULY - 1, JULY + 1).version.tolist() == [1, 2, 1, 2]


def test_the_partition_job_creates_months_ahead_once() -> None:
    now = datetime(2031, 1, 15, tzinfo=UTC)
    assert ensure_ahead(connection, 2, now=now) == 3
    assert ensure_ahead(connection, 2, now=now) == 0
    names = {p.name for p in list_partitions(connection)}
    assert {"timeseries_sample_y2031m01", "timeseries_sample_y2031m03"} <= names
    out = StringIO()
    call_command("timeseries_partitions", months_ahead=1, stdout=out)
    assert "partition(s) created on postgresql" in out.getvalue()


def test_concurrent_writers_of_the_same_tags_lose_nothing() -> None:
    # Separate committed connections (the test's own transaction is not involved); the tag
    # locks serialise the classify-then-merge of overlapping batches.
    settings = connection.settings_dict
    url = (
        f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    )
    tags = (900_001, 900_002)
    errors: list[BaseException] = []

    def writer(offset: int) -> None:
        store = PostgresStore.open(url)
        try:
            for batch in range(10):
                start = JULY + (batch * 20 + offset) * MINUTE_MS
                store.write([(t, start + i * MINUTE_MS, 1.0, "N") for t in tags for i in range(30)])
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            store.db.close()

    threads = [threading.Thread(target=writer, args=(offset,)) for offset in (0, 10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    check = PostgresStore.open(url)
    try:
        assert errors == []
        for tag in tags:
            assert len(check.read_samples(tag, JULY, JULY + 10**9)) == 9 * 20 + 10 + 30
            days = check.read_rollups(tag, Resolution.DAY, 0, 2**42)
            assert int(days.count.sum()) == 9 * 20 + 10 + 30
    finally:
        for table in ("timeseries_sample", "timeseries_rollup"):
            check.db.execute(f"DELETE FROM {table} WHERE tag_id = ANY(%s)", (list(tags),))
        check.db.close()
