"""Samples, superseded versions and rollups, with each engine's own DDL (ADR 0060, 0063).

The models are unmanaged (Django knows their shape for reads and the admin); the tables come from
the vendor DDL below, because Django cannot express WITHOUT ROWID tables or declarative
partitioning. Monthly partitions are NOT created here: ``timeseries_ensure_partitions`` (defined
here) is called by the store and by the ``timeseries_partitions`` job.
"""

from typing import Any

from django.db import migrations, models

SQLITE = [
    """CREATE TABLE timeseries_sample (
        tag_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL, flag TEXT NOT NULL,
        evidence_id INTEGER, version INTEGER NOT NULL,
        PRIMARY KEY (tag_id, ts)) WITHOUT ROWID""",
    """CREATE TABLE timeseries_sample_history (
        tag_id INTEGER NOT NULL, ts INTEGER NOT NULL, version INTEGER NOT NULL,
        value REAL NOT NULL, flag TEXT NOT NULL, evidence_id INTEGER,
        superseded_at INTEGER NOT NULL,
        PRIMARY KEY (tag_id, ts, version)) WITHOUT ROWID""",
    """CREATE TABLE timeseries_rollup (
        tag_id INTEGER NOT NULL, resolution TEXT NOT NULL, bucket INTEGER NOT NULL,
        count INTEGER NOT NULL, sum REAL NOT NULL, min REAL, max REAL,
        valid_count INTEGER NOT NULL, valid_sum REAL NOT NULL,
        first_ts INTEGER, first_value REAL, last_ts INTEGER, last_value REAL,
        increase REAL NOT NULL, resets INTEGER NOT NULL,
        PRIMARY KEY (tag_id, resolution, bucket)) WITHOUT ROWID""",
]

POSTGRESQL = [
    """CREATE TABLE timeseries_sample (
        tag_id integer NOT NULL, version integer NOT NULL, ts bigint NOT NULL,
        value double precision NOT NULL, evidence_id bigint, flag text NOT NULL,
        PRIMARY KEY (tag_id, ts)) PARTITION BY RANGE (ts)""",
    """CREATE TABLE timeseries_sample_history (
        tag_id integer NOT NULL, version integer NOT NULL, ts bigint NOT NULL,
        value double precision NOT NULL, evidence_id bigint, superseded_at bigint NOT NULL,
        flag text NOT NULL,
        PRIMARY KEY (tag_id, ts, version))""",
    """CREATE TABLE timeseries_rollup (
        tag_id integer NOT NULL, resolution "char" NOT NULL, bucket bigint NOT NULL,
        count bigint NOT NULL, sum double precision NOT NULL,
        min double precision, max double precision,
        valid_count bigint NOT NULL, valid_sum double precision NOT NULL,
        first_ts bigint, first_value double precision, last_ts bigint,
        last_value double precision, increase double precision NOT NULL, resets bigint NOT NULL,
        PRIMARY KEY (tag_id, resolution, bucket))""",
    # One partition per China-Standard-Time month, named timeseries_sample_yYYYYmMM. The
    # advisory lock (class 29779, key 0; tag locks use keys > 0) serialises concurrent creators.
    """CREATE FUNCTION timeseries_ensure_partitions(from_ms bigint, to_ms bigint)
    RETURNS integer LANGUAGE plpgsql AS $$
    DECLARE
        month timestamp := date_trunc(
            'month', (to_timestamp(from_ms / 1000.0) AT TIME ZONE 'UTC') + interval '8 hours');
        lo bigint; hi bigint; part text; made integer := 0;
    BEGIN
        PERFORM pg_advisory_xact_lock(29779, 0);
        WHILE extract(epoch FROM month - interval '8 hours') * 1000 <= to_ms LOOP
            lo := extract(epoch FROM month - interval '8 hours') * 1000;
            hi := extract(epoch FROM month + interval '1 month' - interval '8 hours') * 1000;
            part := 'timeseries_sample_y' || to_char(month, 'YYYY') || 'm' || to_char(month, 'MM');
            IF to_regclass(part) IS NULL THEN
                EXECUTE format('CREATE TABLE %I PARTITION OF timeseries_sample '
                               'FOR VALUES FROM (%s) TO (%s)', part, lo, hi);
                made := made + 1;
            END IF;
            month := month + interval '1 month';
        END LOOP;
        RETURN made;
    END $$""",
]

DROP = [
    "DROP TABLE timeseries_rollup",
    "DROP TABLE timeseries_sample_history",
    "DROP TABLE timeseries_sample",
]
DDL = {"sqlite": SQLITE, "postgresql": POSTGRESQL}


def create_tables(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in DDL:
        raise RuntimeError(f"the time-series store has no DDL for {vendor}")
    for statement in DDL[vendor]:
        schema_editor.execute(statement, params=None)


def drop_tables(apps: Any, schema_editor: Any) -> None:
    for statement in DROP:
        schema_editor.execute(statement, params=None)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION timeseries_ensure_partitions(bigint, bigint)")


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Rollup",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "tag_id",
                        "resolution",
                        "bucket",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("tag_id", models.IntegerField(verbose_name="tag id")),
                ("resolution", models.CharField(max_length=1, verbose_name="resolution")),
                ("bucket", models.BigIntegerField(verbose_name="bucket start (UTC epoch ms)")),
                ("count", models.BigIntegerField(verbose_name="count")),
                ("sum", models.FloatField(verbose_name="sum")),
                ("min", models.FloatField(null=True, verbose_name="minimum")),
                ("max", models.FloatField(null=True, verbose_name="maximum")),
                ("valid_count", models.BigIntegerField(verbose_name="valid count")),
                ("valid_sum", models.FloatField(verbose_name="valid sum")),
                ("first_ts", models.BigIntegerField(null=True, verbose_name="first time")),
                ("first_value", models.FloatField(null=True, verbose_name="first value")),
                ("last_ts", models.BigIntegerField(null=True, verbose_name="last time")),
                ("last_value", models.FloatField(null=True, verbose_name="last value")),
                ("increase", models.FloatField(verbose_name="counter increase")),
                ("resets", models.BigIntegerField(verbose_name="counter resets")),
            ],
            options={
                "verbose_name": "rollup",
                "db_table": "timeseries_rollup",
                "managed": False,
            },
        ),
        migrations.CreateModel(
            name="Sample",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "tag_id",
                        "ts",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("tag_id", models.IntegerField(verbose_name="tag id")),
                ("ts", models.BigIntegerField(verbose_name="time (UTC epoch ms)")),
                ("value", models.FloatField(verbose_name="value")),
                ("flag", models.CharField(max_length=1, verbose_name="quality flag")),
                ("evidence_id", models.BigIntegerField(null=True, verbose_name="evidence id")),
                ("version", models.IntegerField(verbose_name="version")),
            ],
            options={
                "verbose_name": "sample",
                "db_table": "timeseries_sample",
                "managed": False,
            },
        ),
        migrations.CreateModel(
            name="SampleVersion",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "tag_id",
                        "ts",
                        "version",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("tag_id", models.IntegerField(verbose_name="tag id")),
                ("ts", models.BigIntegerField(verbose_name="time (UTC epoch ms)")),
                ("version", models.IntegerField(verbose_name="version")),
                ("value", models.FloatField(verbose_name="value")),
                ("flag", models.CharField(max_length=1, verbose_name="quality flag")),
                ("evidence_id", models.BigIntegerField(null=True, verbose_name="evidence id")),
                (
                    "superseded_at",
                    models.BigIntegerField(verbose_name="superseded at (UTC epoch ms)"),
                ),
            ],
            options={
                "verbose_name": "superseded sample version",
                "db_table": "timeseries_sample_history",
                "managed": False,
            },
        ),
        migrations.RunPython(create_tables, drop_tables),
    ]
