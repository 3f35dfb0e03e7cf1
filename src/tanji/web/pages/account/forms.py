"""Forms of the account pages."""

from __future__ import annotations

from typing import Any

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


class KeyForm(StyledForm):
    """A public key to register (what ``tanji keys new`` prints) for one of the user's firms."""

    enterprise_id = forms.TypedChoiceField(label=_("Enterprise"), coerce=int)
    label = forms.CharField(label=_("Key label"), max_length=64)
    public_key = forms.CharField(
        label=_("Public key (PEM)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Make the key pair with “tanji keys new --out FILE”; the private key stays with you."
        ),
    )

    def __init__(self, *args: Any, enterprises: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise_id"].choices = enterprises  # type: ignore[attr-defined]
