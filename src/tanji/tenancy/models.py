"""Relational model of tenancy: Province, Enterprise, User, Membership, AuditEntry.

Writes go through :mod:`tanji.tenancy.services`; reads through :mod:`tanji.tenancy.queries`,
which start from :meth:`TenantQuerySet.visible_to` so that every read is scoped to an actor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tanji.tenancy.choices import CityChoices, RoleChoices
from tanji.tenancy.credit_code import CreditCodeError, validate_credit_code
from tanji.tenancy.geography import CITIES_BY_CODE, City

if TYPE_CHECKING:
    from tanji.tenancy.actor import Actor


class TenantQuerySet(models.QuerySet[Any]):
    """A queryset that knows the path from its model to the owning enterprise.

    Subclasses (or models using :meth:`as_manager`) set ``enterprise_path``; the empty string
    means the model *is* the enterprise.
    """

    enterprise_path = "enterprise"

    def visible_to(
        self, actor: Actor, action: str = "view", dated_by: str | None = None
    ) -> TenantQuerySet:
        """Rows of enterprises on which ``actor`` may perform ``action`` (default: read).

        ``dated_by`` names the date field that year-limited grants (verifiers) are held to.
        """
        return self.filter(actor.enterprise_q(self.enterprise_path, action, dated_by))


class EnterpriseQuerySet(TenantQuerySet):
    """Enterprises are their own tenant."""

    enterprise_path = ""


class Province(models.Model):
    """A provincial regulator's scope (湖北省): its enterprises are visible to province roles."""

    code = models.CharField(_("division code"), max_length=6, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh


class Enterprise(models.Model):
    """A cement enterprise, the tenant every plant, tag and instrument belongs to."""

    province = models.ForeignKey(
        Province, models.PROTECT, related_name="enterprises", verbose_name=_("province")
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=128)
    name_en = models.CharField(_("name (English)"), max_length=128, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    address = models.CharField(_("address"), max_length=256, blank=True)
    city = models.CharField(_("city"), max_length=6, choices=CityChoices.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name_zh"]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def location(self) -> City | None:
        """The city's seat with its coordinates, for placing the enterprise on a map."""
        return CITIES_BY_CODE.get(self.city)

    def clean(self) -> None:
        """Validate the credit code's structure and check character (GB 32100-2015)."""
        try:
            self.credit_code = validate_credit_code(self.credit_code)
        except CreditCodeError as error:
            raise ValidationError(
                {"credit_code": ValidationError(str(error), code=error.code)}
            ) from error


class User(AbstractUser):
    """A person signing in; what they may see comes from their memberships only."""

    display_name = models.CharField(_("display name"), max_length=64, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.display_name or self.username


class Membership(models.Model):
    """A role granted to a user on the platform, a province or an enterprise (and a year)."""

    user = models.ForeignKey(
        User, models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=32, choices=RoleChoices.choices)
    province = models.ForeignKey(
        Province,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("province"),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("enterprise"),
    )
    year = models.PositiveSmallIntegerField(_("reporting year"), null=True, blank=True)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(role="platform_operator", province__isnull=True, enterprise__isnull=True)
                    | Q(
                        role__in=["regulator", "metrology_reviewer"],
                        province__isnull=False,
                        enterprise__isnull=True,
                    )
                    | Q(
                        role__in=["enterprise_admin", "metering_staff", "lab_staff", "viewer"],
                        province__isnull=True,
                        enterprise__isnull=False,
                        year__isnull=True,
                    )
                    | Q(
                        role="verifier",
                        province__isnull=True,
                        enterprise__isnull=False,
                        year__isnull=False,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        scope = self.enterprise or self.province or _("platform")
        return f"{self.user} · {self.get_role_display()} · {scope}"


class AuditEntry(models.Model):
    """Who changed what, when, under which request, with the state before and after."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    username = models.CharField(_("username"), max_length=150)
    request_id = models.CharField(_("request id"), max_length=64, db_index=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    enterprise = models.ForeignKey(
        Enterprise,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.object_repr}"


from tanji.tenancy.credentials.models import (  # noqa: E402
    ApiToken,
    SignInFailure,
    TotpDevice,
    UserKey,
)

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Enterprise",
    "EnterpriseQuerySet",
    "Membership",
    "Province",
    "SignInFailure",
    "TenantQuerySet",
    "TotpDevice",
    "User",
    "UserKey",
]
