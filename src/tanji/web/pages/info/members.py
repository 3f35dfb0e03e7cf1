"""Roles of a user on the users pages: listed, granted and revoked through the tenancy services.

Only memberships the actor may see are shown (an enterprise admin never learns a user's roles
in other enterprises); granting and revoking need ``manage_members`` on the enterprise (or the
platform for province roles), which the services check.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from tanji.errors import CodedError
from tanji.tenancy import queries as tenancy_queries, services as tenancy_services
from tanji.tenancy.actor import Actor
from tanji.tenancy.choices import RoleChoices
from tanji.tenancy.models import Enterprise, User
from tanji.tenancy.permissions import Action
from tanji.web.access import actor_of, may, requires
from tanji.web.error_messages import translate
from tanji.web.forms import StyledForm


class GrantForm(StyledForm):
    """A role on an enterprise (verifiers also need a reporting year)."""

    role = forms.ChoiceField(label=gettext_lazy("role"), choices=RoleChoices.choices)
    enterprise = forms.ModelChoiceField(
        Enterprise.objects.none(), label=gettext_lazy("enterprise"), required=False
    )
    year = forms.IntegerField(label=gettext_lazy("reporting year"), required=False)


def users_with_roles(actor: Actor) -> QuerySet[User]:
    """Visible users with their visible memberships prefetched (one query for the roles)."""
    visible = tenancy_queries.memberships(actor).select_related("enterprise")
    return tenancy_queries.users(actor).prefetch_related(
        Prefetch("memberships", queryset=visible, to_attr="visible_memberships")
    )


def roles_of(user: User) -> str:
    """``Role · enterprise`` of each visible membership, comma-separated."""
    memberships = getattr(user, "visible_memberships", [])
    return (
        "、".join(f"{m.get_role_display()} · {m.enterprise or m.province}" for m in memberships)
        or "—"
    )


def member_context(actor: Actor, user: User) -> dict[str, Any]:
    """The user's visible memberships and, for administrators, the grant form."""
    form = GrantForm()
    form.fields["enterprise"].queryset = tenancy_queries.enterprises(actor)  # type: ignore[attr-defined]
    return {
        "memberships": tenancy_queries.memberships(actor).filter(user_id=user.pk),
        "grant_form": form if may(actor, Action.MANAGE_MEMBERS) else None,
    }


@require_POST
@requires(Action.MANAGE_MEMBERS)
def grant(request: HttpRequest, pk: int) -> HttpResponse:
    """Grant a role (the service checks the scope and the right to manage members)."""
    actor = actor_of(request)
    form = GrantForm(request.POST)
    form.fields["enterprise"].queryset = tenancy_queries.enterprises(actor)  # type: ignore[attr-defined]
    if form.is_valid():
        data = form.cleaned_data
        try:
            tenancy_services.grant_membership(
                actor,
                user_id=pk,
                role=data["role"],
                enterprise_id=data["enterprise"].pk if data["enterprise"] else None,
                year=data["year"],
            )
            messages.success(request, _("The role was granted."))
        except CodedError as error:
            messages.error(request, translate(error))
    return redirect("pages:users_detail", pk)


@require_POST
@requires(Action.MANAGE_MEMBERS)
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a membership and return to its user."""
    actor = actor_of(request)
    membership = tenancy_queries.memberships(actor).filter(pk=pk).first()
    user_id = membership.user_id if membership is not None else None
    tenancy_services.revoke_membership(actor, pk)
    messages.success(request, _("The role was revoked."))
    return redirect("pages:users_detail", user_id) if user_id else redirect("pages:users_list")
