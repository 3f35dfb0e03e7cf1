"""The live backlog: accepted envelopes whose hours no live computation has covered yet.

A row is written in the transaction that stores the envelope's samples (only in a process whose
post-commit worker will deliver it later) and deleted once its hours were recomputed. Every
intake process writes here, so one count answers "are the figures caught up with everything
accepted, whoever accepted it" (ADR 0235); a row left by a crashed process is taken over by the
next worker that starts. Integer ids without foreign keys, like the time-series tables: the
ingest hot path stays one multi-row insert.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LiveBacklog(models.Model):
    """One accepted envelope waiting for the live engine."""

    envelope_id = models.BigIntegerField(_("envelope id"), unique=True)
    enterprise_id = models.BigIntegerField(_("enterprise id"), db_index=True)
    tag_ids = models.JSONField(_("tag ids"))
    first_ms = models.BigIntegerField(_("first sample (UTC epoch ms)"))
    last_ms = models.BigIntegerField(_("last sample (UTC epoch ms)"))

    class Meta:
        verbose_name = _("live backlog entry")
        verbose_name_plural = _("live backlog")

    def __str__(self) -> str:
        return f"envelope {self.envelope_id} ({self.enterprise_id})"
