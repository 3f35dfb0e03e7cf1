"""URLs of the account pages (namespace ``account``)."""

from __future__ import annotations

from django.urls import path

from tanji.web.pages.account import keys, views

app_name = "account"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("", views.account, name="account"),
    path("tokens/", views.create_token, name="create_token"),
    path("tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("totp/", views.totp, name="totp"),
    path("keys/", keys.keys, name="keys"),
    path("keys/<int:key_pk>/revoke/", keys.revoke, name="revoke_key"),
]
