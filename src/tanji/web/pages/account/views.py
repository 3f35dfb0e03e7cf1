"""Sign-in with lockout and optional TOTP, sign-out, and the account page.

Failures are counted per username and per client address (:mod:`tanji.tenancy.credentials`);
a locked-out attempt is refused before the password is checked, so guessing cannot continue.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tanji.errors import CodedError
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.choices import RoleChoices
from tanji.tenancy.credentials import queries as credential_queries, services as credentials
from tanji.tenancy.permissions import Action
from tanji.web.access import actor_of, requires
from tanji.web.error_messages import translate
from tanji.web.pages.account.forms import CodeForm, SignInForm, TokenForm


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "0.0.0.0")


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if safe else "/"


def _attempt(request: HttpRequest, form: SignInForm) -> str | None:
    """Sign the user in, or return the reason why not."""
    username, ip = form.cleaned_data["username"], _client_ip(request)
    if credentials.is_locked_out(username, ip):
        return _("Too many failed sign-ins. Try again in 15 minutes.")
    user = authenticate(request, username=username, password=form.cleaned_data["password"])
    if user is not None and credentials.totp_enabled(user):
        code = form.cleaned_data["otp"]
        if not code or not credentials.verify_totp(user, code):
            user = None
    if user is None:
        credentials.record_failure(username, ip)
        return _("Username, password or one-time code is not correct.")
    credentials.clear_failures(username)
    login(request, user)
    return None


def sign_in(request: HttpRequest) -> HttpResponse:
    """The sign-in page (GET) and attempt (POST)."""
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem = _attempt(request, form)
        if problem is None:
            return redirect(_next_url(request))
        form.add_error(None, problem)
    status = 200 if not form.non_field_errors() else 401
    context = {"form": form, "next": _next_url(request)}
    return render(request, "web/account/sign_in.html", context, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the session (POST only, so a link cannot sign anyone out)."""
    logout(request)
    return redirect("account:sign_in")


def _grants(actor: Actor) -> list[tuple[str, str, int | None]]:
    """(role, scope name, year) of each of the actor's grants."""
    names: dict[tuple[str, int | None], str] = {
        ("e", e.pk): str(e) for e in tenancy_queries.enterprises(actor)
    }
    names |= {("p", p.pk): str(p) for p in tenancy_queries.provinces(actor)}
    result = []
    for grant in actor.grants:
        scope = names.get(("e", grant.enterprise_id)) or names.get(("p", grant.province_id))
        result.append((str(RoleChoices(grant.role).label), scope or _("platform"), grant.year))
    return result


@requires(Action.VIEW)
def account(request: HttpRequest) -> HttpResponse:
    """The user's own page: roles, second factor, API tokens."""
    actor = actor_of(request)
    context = {
        "grants": _grants(actor),
        "tokens": credential_queries.tokens(actor),
        "totp_on": credentials.totp_enabled(request.user),  # type: ignore[arg-type]
        "token_form": TokenForm(),
        "code_form": CodeForm(),
        "new_token": request.session.pop("new_token", None),
        "otpauth_uri": request.session.get("otpauth_uri"),
    }
    return render(request, "web/account/account.html", context)


def _report(request: HttpRequest, error: CodedError) -> HttpResponse:
    messages.error(request, translate(error))
    return redirect("account:account")


@require_POST
@requires(Action.VIEW)
def create_token(request: HttpRequest) -> HttpResponse:
    """Issue a token; its secret is shown once on the next page view."""
    try:
        _token, secret = credentials.issue_token(actor_of(request), request.POST.get("name", ""))
    except CodedError as error:
        return _report(request, error)
    request.session["new_token"] = secret
    return redirect("account:account")


@require_POST
@requires(Action.VIEW)
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's tokens."""
    credentials.revoke_token(actor_of(request), token_id)
    messages.success(request, _("The token was revoked."))
    return redirect("account:account")


@require_POST
@requires(Action.VIEW)
def totp(request: HttpRequest) -> HttpResponse:
    """Start TOTP enrolment, confirm it with a code, or turn it off with a code."""
    actor = actor_of(request)
    step = request.POST.get("step")
    try:
        if step == "begin":
            request.session["otpauth_uri"] = credentials.begin_totp(actor)
        elif step == "confirm":
            credentials.confirm_totp(actor, request.POST.get("code", ""))
            request.session.pop("otpauth_uri", None)
            messages.success(request, _("Two-factor sign-in is on."))
        elif step == "disable":
            credentials.disable_totp(actor, request.POST.get("code", ""))
            messages.success(request, _("Two-factor sign-in is off."))
    except CodedError as error:
        return _report(request, error)
    return redirect("account:account")
