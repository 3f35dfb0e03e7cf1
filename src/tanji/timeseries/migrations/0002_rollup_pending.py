"""Pending rollup changes of deferred writes, one row per write (ADR 0220).

``lo_tag``/``hi_tag`` and ``lo_bucket``/``hi_bucket`` bound the tags and hours a row holds, so a
reader of one tag skips the rows that cannot touch it; ``body`` is the packed delta rows
(:mod:`tanji.timeseries.pending`). Ids only grow (AUTOINCREMENT / identity): folding takes the
oldest first.
"""

from typing import Any

from django.db import migrations

DDL = {
    "sqlite": """CREATE TABLE timeseries_rollup_pending (
        id INTEGER PRIMARY KEY AUTOINCREMENT, lo_tag INTEGER NOT NULL, hi_tag INTEGER NOT NULL,
        lo_bucket INTEGER NOT NULL, hi_bucket INTEGER NOT NULL, body BLOB NOT NULL)""",
    "postgresql": """CREATE TABLE timeseries_rollup_pending (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, lo_tag integer NOT NULL,
        hi_tag integer NOT NULL, lo_bucket bigint NOT NULL, hi_bucket bigint NOT NULL,
        body bytea NOT NULL)""",
}


def create_table(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(DDL[schema_editor.connection.vendor], params=None)


def drop_table(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute("DROP TABLE timeseries_rollup_pending", params=None)


class Migration(migrations.Migration):
    dependencies = [("timeseries", "0001_initial")]

    operations = [migrations.RunPython(create_table, drop_table)]
