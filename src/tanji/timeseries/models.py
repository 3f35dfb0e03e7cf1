"""Django's view of the time-series tables, for ORM reads and the admin.

Unmanaged: the tables are created by the vendor DDL in migration 0001 (WITHOUT ROWID on SQLite,
monthly range partitions on PostgreSQL), and written only by :mod:`tanji.timeseries.store`.
Times are UTC epoch milliseconds (ADR 0060); ``tag_id`` is the plant tag's integer id, kept
without a foreign key so the hot path stays independent of the relational model.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sample(models.Model):
    """The current version of one reading of one tag."""

    pk = models.CompositePrimaryKey("tag_id", "ts")
    tag_id = models.IntegerField(_("tag id"))
    ts = models.BigIntegerField(_("time (UTC epoch ms)"))
    value = models.FloatField(_("value"))
    flag = models.CharField(_("quality flag"), max_length=1)
    evidence_id = models.BigIntegerField(_("evidence id"), null=True)
    version = models.IntegerField(_("version"))

    class Meta:
        managed = False
        # A view: on SQLite the sample table and the recent samples not yet moved into it
        # (ADR 0261); on PostgreSQL the sample table itself.
        db_table = "timeseries_sample_current"
        verbose_name = _("sample")


class SampleVersion(models.Model):
    """A superseded version of a sample, kept when a correction replaced it."""

    pk = models.CompositePrimaryKey("tag_id", "ts", "version")
    tag_id = models.IntegerField(_("tag id"))
    ts = models.BigIntegerField(_("time (UTC epoch ms)"))
    version = models.IntegerField(_("version"))
    value = models.FloatField(_("value"))
    flag = models.CharField(_("quality flag"), max_length=1)
    evidence_id = models.BigIntegerField(_("evidence id"), null=True)
    superseded_at = models.BigIntegerField(_("superseded at (UTC epoch ms)"))

    class Meta:
        managed = False
        db_table = "timeseries_sample_history"
        verbose_name = _("superseded sample version")


class Rollup(models.Model):
    """Aggregates of one tag over one hour, day or month (see ``tanji.timeseries.rollups``)."""

    pk = models.CompositePrimaryKey("tag_id", "resolution", "bucket")
    tag_id = models.IntegerField(_("tag id"))
    resolution = models.CharField(_("resolution"), max_length=1)
    bucket = models.BigIntegerField(_("bucket start (UTC epoch ms)"))
    count = models.BigIntegerField(_("count"))
    sum = models.FloatField(_("sum"))
    min = models.FloatField(_("minimum"), null=True)
    max = models.FloatField(_("maximum"), null=True)
    valid_count = models.BigIntegerField(_("valid count"))
    valid_sum = models.FloatField(_("valid sum"))
    first_ts = models.BigIntegerField(_("first time"), null=True)
    first_value = models.FloatField(_("first value"), null=True)
    last_ts = models.BigIntegerField(_("last time"), null=True)
    last_value = models.FloatField(_("last value"), null=True)
    increase = models.FloatField(_("counter increase"))
    resets = models.BigIntegerField(_("counter resets"))

    class Meta:
        managed = False
        db_table = "timeseries_rollup"
        verbose_name = _("rollup")
