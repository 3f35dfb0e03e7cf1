"""Forms of the account pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tanji.web.forms import StyledForm


class SignInForm(StyledForm):
    """Username, password and (for accounts with TOTP) the one-time code."""

    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    otp = forms.CharField(
        label=_("One-time code"),
        max_length=6,
        required=False,
        help_text=_("Only if two-factor sign-in is enabled for your account."),
    )


class TokenForm(StyledForm):
    """Name of a new API token."""

    name = forms.CharField(label=_("Token name"), max_length=64)


class CodeForm(StyledForm):
    """A TOTP code confirming enrolment or removal."""

    code = forms.CharField(label=_("One-time code"), max_length=6, min_length=6)
