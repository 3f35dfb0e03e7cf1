"""Personnel records (R7.1.5): a person's appointment, training, exams and qualifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tanji.metrology.choices import DocumentKindChoices, SigningScopeChoices
from tanji.metrology.models.calibration import StoredDocument
from tanji.plant.models.base import EnterpriseOwned
from tanji.tenancy.validation import field_error

#: An exam counts as passed from this score (out of 100).
PASS_MARK = 60.0


class PersonnelDocument(EnterpriseOwned):
    """One document of a person's file, with its validity (expiry is flagged by the queries)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="metrology_documents",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKindChoices.choices)
    title = models.CharField(_("title"), max_length=128)
    number = models.CharField(_("number"), max_length=64, blank=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    scope = models.CharField(
        _("signing scope"), max_length=16, choices=SigningScopeChoices.choices, blank=True
    )
    document = models.ForeignKey(
        StoredDocument,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document"),
    )

    class Meta:
        verbose_name = _("personnel document")
        verbose_name_plural = _("personnel documents")
        ordering = ["enterprise_id", "person_id", "kind", "-issued_on"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.title}"

    def clean(self) -> None:
        """Validity after issue; exams carry a 0–100 score; qualifications name a scope."""
        if self.valid_until and self.issued_on and self.valid_until < self.issued_on:
            raise field_error("valid_until", _("precedes the issue date"), "before_issue")
        if self.kind == DocumentKindChoices.EXAM and (
            self.score is None or not 0 <= self.score <= 100
        ):
            raise field_error("score", _("an exam needs a score in 0–100"), "required")
        if self.kind == DocumentKindChoices.QUALIFICATION and not self.scope:
            raise field_error("scope", _("a qualification names what it allows"), "required")


class ReviewerQualification(models.Model):
    """A metrology reviewer's qualification (审查员资格) in a province, with its validity.

    Reviewers belong to a province, not to an enterprise, so their papers cannot be
    :class:`PersonnelDocument` rows; a review decision needs one valid on the day (ADR 0191).
    """

    province = models.ForeignKey(
        "tenancy.Province", models.PROTECT, related_name="+", verbose_name=_("province")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="reviewer_qualifications",
        verbose_name=_("person"),
    )
    number = models.CharField(_("certificate number"), max_length=64)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))

    class Meta:
        verbose_name = _("reviewer qualification")
        verbose_name_plural = _("reviewer qualifications")
        ordering = ["province_id", "person_id", "-issued_on"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.number}"

    def clean(self) -> None:
        """Validity after issue."""
        if self.valid_until and self.issued_on and self.valid_until < self.issued_on:
            raise field_error("valid_until", _("precedes the issue date"), "before_issue")
