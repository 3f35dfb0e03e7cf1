"""What every plant row shares: its enterprise, and a check that its parents agree on it.

Carrying ``enterprise`` on every row (instead of reaching it through the parent chain) keeps
tenant scoping one indexed filter for every model, and lets "tag code unique per enterprise" be
a plain database constraint.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tanji.tenancy.models import TenantQuerySet
from tanji.tenancy.validation import field_error


class EnterpriseOwned(models.Model):
    """Abstract base: owned by one enterprise, scoped through :class:`TenantQuerySet`."""

    enterprise = models.ForeignKey(
        "tenancy.Enterprise", models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True

    def check_same_enterprise(self, **parents: models.Model | None) -> None:
        """Raise a field error for any parent that belongs to another enterprise."""
        for field, parent in parents.items():
            if parent is not None and parent.enterprise_id != self.enterprise_id:  # type: ignore[attr-defined]
                raise field_error(field, _("belongs to another enterprise"), "other_enterprise")
