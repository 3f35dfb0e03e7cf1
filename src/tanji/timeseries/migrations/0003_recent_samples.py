"""Recent samples on SQLite, and the view the ORM reads current samples through (ADR 0261).

SQLite: ``timeseries_sample_recent`` holds the pure appends of deferred writes until the folder
moves them into ``timeseries_sample``; ``timeseries_sample_current`` is both tables. PostgreSQL
writes every sample in place; its view is the sample table itself. The ``Sample`` model reads the
view (unmanaged: the table option changes Django's state only).
"""

from typing import Any

from django.db import migrations

COLUMNS = "tag_id, ts, value, flag, evidence_id, version"
DDL = {
    "sqlite": [
        """CREATE TABLE timeseries_sample_recent (
            tag_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL,
            flag TEXT NOT NULL, evidence_id INTEGER, version INTEGER NOT NULL,
            PRIMARY KEY (tag_id, ts)) WITHOUT ROWID""",
        f"""CREATE VIEW timeseries_sample_current AS
            SELECT {COLUMNS} FROM timeseries_sample
            UNION ALL SELECT {COLUMNS} FROM timeseries_sample_recent""",
    ],
    "postgresql": [
        f"CREATE VIEW timeseries_sample_current AS SELECT {COLUMNS} FROM timeseries_sample",
    ],
}
DROP = {
    "sqlite": [
        "DROP VIEW timeseries_sample_current",
        f"INSERT INTO timeseries_sample ({COLUMNS}) SELECT {COLUMNS} FROM timeseries_sample_recent",
        "DROP TABLE timeseries_sample_recent",
    ],
    "postgresql": ["DROP VIEW timeseries_sample_current"],
}


def create(apps: Any, schema_editor: Any) -> None:
    for statement in DDL[schema_editor.connection.vendor]:
        schema_editor.execute(statement, params=None)


def drop(apps: Any, schema_editor: Any) -> None:
    for statement in DROP[schema_editor.connection.vendor]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("timeseries", "0002_rollup_pending")]

    operations = [
        migrations.RunPython(create, drop),
        migrations.AlterModelTable(name="sample", table="timeseries_sample_current"),
    ]
