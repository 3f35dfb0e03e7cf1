"""Verification/calibration: bodies, reference standards, plans, certificates, alerts (R7.2).

The traceability chain (R4.2.3) is relational: a certificate names the calibrating body (with its
accreditation number) and the reference standard used; a standard names the standard it was
itself calibrated against, up to a national standard (国家计量基准).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tanji.metrology.choices import CalibrationKindChoices, CertificateResultChoices
from tanji.metrology.models.instrument import Instrument
from tanji.plant.models.base import EnterpriseOwned
from tanji.tenancy.validation import field_error


class StoredDocument(EnterpriseOwned):
    """An uploaded file that passed :mod:`tanji.metrology.uploads`, kept with its sha256."""

    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=32)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    content = models.BinaryField(_("content"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    trust_leaf = models.CharField(
        _("trust-log reference"),
        max_length=128,
        blank=True,
        help_text=_("Where the document's hash entered the trust log (empty: hash kept here)."),
    )

    class Meta:
        verbose_name = _("stored document")
        verbose_name_plural = _("stored documents")

    def __str__(self) -> str:
        return f"{self.filename} ({self.sha256[:12]})"


class CalibrationBody(EnterpriseOwned):
    """A verification/calibration laboratory with its accreditation (CNAS / 授权) number."""

    name = models.CharField(_("name"), max_length=128)
    accreditation_no = models.CharField(_("accreditation number"), max_length=64)
    accreditation_valid_until = models.DateField(
        _("accreditation valid until"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("calibration body")
        verbose_name_plural = _("calibration bodies")
        ordering = ["enterprise_id", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.accreditation_no})"


class ReferenceStandard(EnterpriseOwned):
    """A measurement standard a body used; traced to a higher standard or a national one."""

    body = models.ForeignKey(
        CalibrationBody, models.PROTECT, related_name="standards", verbose_name=_("held by")
    )
    name = models.CharField(_("name"), max_length=128)
    certificate_no = models.CharField(_("standard certificate number"), max_length=64)
    valid_until = models.DateField(_("valid until"))
    traced_to = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("traced to"),
    )
    national_standard = models.CharField(
        _("national standard"),
        max_length=128,
        blank=True,
        help_text=_("Name/code of the national primary standard, when this is the top link."),
    )

    class Meta:
        verbose_name = _("reference standard")
        verbose_name_plural = _("reference standards")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Same enterprise; not traced to itself."""
        self.check_same_enterprise(body=self.body if self.body_id else None)
        if self.pk and self.traced_to_id == self.pk:
            raise field_error("traced_to", _("a standard cannot trace to itself"), "loop")


class CalibrationPlan(EnterpriseOwned):
    """The plan for one instrument: kind, regulation, period, first due date (R7.2.1)."""

    instrument = models.OneToOneField(
        Instrument, models.CASCADE, related_name="plan", verbose_name=_("instrument")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CalibrationKindChoices.choices)
    regulation = models.CharField(_("regulation"), max_length=64)
    period_months = models.PositiveSmallIntegerField(_("period (months)"))
    first_due_on = models.DateField(_("first due on"))
    rule_version = models.CharField(_("rule version"), max_length=32)
    retired_on = models.DateField(
        _("retired on"),
        null=True,
        blank=True,
        help_text=_("From this date the plan no longer sets the instrument's due date."),
    )

    class Meta:
        verbose_name = _("calibration plan")
        verbose_name_plural = _("calibration plans")

    def __str__(self) -> str:
        return f"{self.instrument_id}: {self.regulation} / {self.period_months} mo"


class Certificate(EnterpriseOwned):
    """A verification/calibration certificate with its parsed, validated fields (R7.2.2)."""

    instrument = models.ForeignKey(
        Instrument, models.PROTECT, related_name="certificates", verbose_name=_("instrument")
    )
    number = models.CharField(_("certificate number"), max_length=64)
    calibrated_on = models.DateField(_("calibrated on"))
    body = models.ForeignKey(
        CalibrationBody, models.PROTECT, related_name="certificates", verbose_name=_("body")
    )
    standard = models.ForeignKey(
        ReferenceStandard,
        models.PROTECT,
        related_name="certificates",
        verbose_name=_("reference standard used"),
    )
    method = models.CharField(_("regulation/specification applied"), max_length=64)
    result = models.CharField(_("result"), max_length=8, choices=CertificateResultChoices.choices)
    expanded_u = models.FloatField(_("expanded uncertainty U"), null=True, blank=True)
    expanded_u_relative = models.BooleanField(_("U is relative (%)"), default=True)
    coverage_k = models.FloatField(_("coverage factor k"), null=True, blank=True)
    next_due_on = models.DateField(_("next due on"))
    document = models.ForeignKey(
        StoredDocument,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document"),
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["instrument_id", "-calibrated_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "number"], name="certificate_number_per_enterprise"
            )
        ]

    def __str__(self) -> str:
        return self.number


class CalibrationAlert(EnterpriseOwned):
    """A reminder raised by the alert job: due soon or overdue, once per due date."""

    instrument = models.ForeignKey(
        Instrument, models.CASCADE, related_name="alerts", verbose_name=_("instrument")
    )
    kind = models.CharField(_("kind"), max_length=16)
    due_on = models.DateField(_("due on"))
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calibration alert")
        verbose_name_plural = _("calibration alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "kind", "due_on"], name="one_alert_per_due_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.kind} {self.due_on}"
