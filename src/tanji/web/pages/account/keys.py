"""The personal signing keys page: list, register and revoke the user's own keys (ADR 0231).

The page never sees a private key: the user makes the pair with ``tanji keys new`` and pastes
the public key. Registration and revocation go through :mod:`tanji.tenancy.credentials.keys`,
which writes the audit entries.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tanji.errors import CodedError
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.choices import ScopeChoices
from tanji.tenancy.credentials import keys as key_services, queries as credential_queries
from tanji.tenancy.permissions import Action
from tanji.web.access import actor_of, requires
from tanji.web.error_messages import translate
from tanji.web.pages.account.forms import KeyForm


def _enterprises(actor: Actor) -> list[tuple[int, str]]:
    """The enterprises the user holds a role on: a key is registered for one of them."""
    ids = {g.enterprise_id for g in actor.grants if g.scope == ScopeChoices.ENTERPRISE}
    rows = tenancy_queries.enterprises(actor).filter(pk__in=[i for i in ids if i is not None])
    return [(e.pk, str(e)) for e in rows.order_by("pk")]


@requires(Action.VIEW)
def keys(request: HttpRequest) -> HttpResponse:
    """The user's keys and the registration form (POST registers)."""
    actor = actor_of(request)
    form = KeyForm(request.POST or None, enterprises=_enterprises(actor))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                data = form.cleaned_data
                key_services.register_key(
                    actor,
                    enterprise_id=data["enterprise_id"],
                    public_key_pem=data["public_key"],
                    label=data["label"],
                )
            except CodedError as error:
                form.add_error(None, translate(error))
            else:
                messages.success(request, _("The key was registered."))
                return redirect("account:keys")
        status = 400
    context = {"keys": credential_queries.user_keys(actor), "form": form}
    return render(request, "web/account/keys.html", context, status=status)


@require_POST
@requires(Action.VIEW)
def revoke(request: HttpRequest, key_pk: int) -> HttpResponse:
    """Revoke one of the user's keys."""
    key_services.revoke_key(actor_of(request), key_pk)
    messages.success(request, _("The key was revoked."))
    return redirect("account:keys")
