"""The member form: a new account with an enterprise role in one step (``create_member``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tanji.tenancy.choices import ROLE_SCOPE, RoleChoices, ScopeChoices
from tanji.tenancy.models import Enterprise

#: Roles an enterprise administrator may give (verifiers need a year: granted separately).
MEMBER_ROLES = [
    (value, label)
    for value, label in RoleChoices.choices
    if ROLE_SCOPE[value] == ScopeChoices.ENTERPRISE and value != RoleChoices.VERIFIER
]


class MemberForm(forms.Form):
    """Enterprise, account and role."""

    enterprise = forms.ModelChoiceField(Enterprise.objects.none(), label=_("enterprise"))
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    role = forms.ChoiceField(label=_("role"), choices=MEMBER_ROLES)
    display_name = forms.CharField(label=_("display name"), max_length=64, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
