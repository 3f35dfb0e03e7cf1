"""Metrology review (计量审查, R4.2.6), ledger snapshots (R7.1.2) and QC records (R7.4.1)."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from tanji.metrology.choices import (
    FindingSeverityChoices,
    QCKindChoices,
    ReviewKindChoices,
    ReviewStateChoices,
)
from tanji.plant.models.base import EnterpriseOwned


class LedgerSnapshot(EnterpriseOwned):
    """The ledger as it stood at a year end: rows, their hash, and what changed since before."""

    year = models.PositiveSmallIntegerField(_("year"))
    taken_at = models.DateTimeField(_("taken at"), auto_now_add=True)
    rows = models.JSONField(_("rows"), blank=True, encoder=DjangoJSONEncoder)
    changes = models.JSONField(_("changes since the previous snapshot"), encoder=DjangoJSONEncoder)
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("ledger snapshot")
        verbose_name_plural = _("ledger snapshots")
        ordering = ["enterprise_id", "-year", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class Review(EnterpriseOwned):
    """One submission under review; its state moves only through ``services.transition``."""

    kind = models.CharField(_("kind"), max_length=16, choices=ReviewKindChoices.choices)
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ReviewStateChoices.choices,
        default=ReviewStateChoices.DRAFT,
    )
    period = models.CharField(_("period"), max_length=7, help_text=_("YYYY or YYYY-MM"))
    payload = models.JSONField(
        _("submitted references"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    checks = models.JSONField(
        _("automatic checks"), default=list, blank=True, encoder=DjangoJSONEncoder
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )

    class Meta:
        verbose_name = _("metrology review")
        verbose_name_plural = _("metrology reviews")
        ordering = ["enterprise_id", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ReviewEvent(EnterpriseOwned):
    """One transition of a review, shown as its history (the audit entry holds before/after)."""

    review = models.ForeignKey(Review, models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16)
    from_state = models.CharField(_("from"), max_length=16)
    to_state = models.CharField(_("to"), max_length=16)
    username = models.CharField(_("by"), max_length=150)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        ordering = ["review_id", "id"]

    def __str__(self) -> str:
        return f"{self.review_id} {self.from_state}→{self.to_state}"


class ReviewFinding(EnterpriseOwned):
    """A reviewer's finding with the clause it rests on, and the enterprise's response."""

    review = models.ForeignKey(Review, models.CASCADE, related_name="findings")
    clause = models.CharField(_("clause"), max_length=64)
    text = models.TextField(_("finding"))
    severity = models.CharField(
        _("severity"), max_length=16, choices=FindingSeverityChoices.choices
    )
    response = models.TextField(_("response"), blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review finding")
        verbose_name_plural = _("review findings")
        ordering = ["review_id", "id"]

    def __str__(self) -> str:
        return f"{self.clause}: {self.text[:40]}"


class QCRecord(EnterpriseOwned):
    """A quality-control result: reference material, CEMS RATA or cross-meter balance."""

    kind = models.CharField(_("kind"), max_length=24, choices=QCKindChoices.choices)
    performed_on = models.DateField(_("performed on"))
    instrument = models.ForeignKey(
        "metrology.Instrument",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="qc_records",
        verbose_name=_("instrument"),
    )
    inputs = models.JSONField(_("inputs"), encoder=DjangoJSONEncoder)
    result_value = models.FloatField(_("result"))
    limit_value = models.FloatField(_("limit"))
    passed = models.BooleanField(_("passed"))
    clause = models.CharField(_("clause"), max_length=64)

    class Meta:
        verbose_name = _("QC record")
        verbose_name_plural = _("QC records")
        ordering = ["enterprise_id", "-performed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.performed_on}"
