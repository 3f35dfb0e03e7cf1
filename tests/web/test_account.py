"""Sign-in, lockout per user and per address, TOTP enrolment and sign-in, API token page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from tanji.tenancy import queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.credentials import services as credentials
from tanji.tenancy.credentials.services import LOCKOUT_THRESHOLD
from tests.web.conftest import PASSWORD, WebWorld, signed_in

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, username: str, password: str, otp: str = "", ip: str = "10.0.0.1"):
    data = {"username": username, "password": password, "otp": otp}
    return client.post(reverse("account:sign_in"), data, REMOTE_ADDR=ip)


def test_sign_in_and_out(client: Client, web_world: WebWorld) -> None:
    user = web_world.users["viewer"]
    assert _sign_in(client, user.username, PASSWORD).status_code == 302
    assert client.get(reverse("pages:overview")).status_code == 200
    client.post(reverse("account:sign_out"))
    assert client.get(reverse("pages:overview")).status_code == 302


def test_wrong_password_is_refused_without_saying_which_part(
    client: Client, web_world: WebWorld
) -> None:
    reply = _sign_in(client, web_world.users["viewer"].username, "wrong")
    assert reply.status_code == 401
    assert "不正确" in reply.content.decode()


def test_lockout_after_repeated_failures_is_audited_and_refuses_the_right_password(
    client: Client, web_world: WebWorld
) -> None:
    user = web_world.users["viewer"]
    for _ in range(LOCKOUT_THRESHOLD):
        _sign_in(client, user.username, "wrong")
    reply = _sign_in(client, user.username, PASSWORD, ip="10.0.0.2")
    assert reply.status_code == 401
    assert "15" in reply.content.decode()
    entries = queries.audit_entries(Actor.system()).filter(action="lockout")
    assert entries.count() == 1


def test_lockout_per_address_covers_other_usernames(client: Client, web_world: WebWorld) -> None:
    for n in range(LOCKOUT_THRESHOLD):
        _sign_in(client, f"nobody{n}", "wrong", ip="10.9.9.9")
    user = web_world.users["viewer"]
    assert _sign_in(client, user.username, PASSWORD, ip="10.9.9.9").status_code == 401
    assert _sign_in(client, user.username, PASSWORD, ip="10.0.0.3").status_code == 302


def test_next_parameter_must_stay_on_this_site(client: Client, web_world: WebWorld) -> None:
    data = {"username": web_world.users["viewer"].username, "password": PASSWORD}
    reply = client.post(reverse("account:sign_in") + "?next=https://evil.example/", data)
    assert reply["Location"] == "/"


def test_totp_enrolment_then_sign_in_needs_the_code(client: Client, web_world: WebWorld) -> None:
    user = web_world.users["lab_staff"]
    signed_in(client, user)
    client.post(reverse("account:totp"), {"step": "begin"})
    page = client.get(reverse("account:account")).content.decode()
    assert "otpauth://totp/" in page
    secret = client.session["otpauth_uri"].split("secret=")[1].split("&")[0]
    client.post(reverse("account:totp"), {"step": "confirm", "code": pyotp.TOTP(secret).now()})
    assert credentials.totp_enabled(user)
    client.post(reverse("account:sign_out"))
    assert _sign_in(client, user.username, PASSWORD).status_code == 401
    assert _sign_in(client, user.username, PASSWORD, otp="000000").status_code == 401
    next_step = datetime.now(UTC) + timedelta(seconds=30)  # the confirming step is used up
    code = pyotp.TOTP(secret).at(next_step)
    assert _sign_in(client, user.username, PASSWORD, otp=code).status_code == 302


def test_confirming_with_a_wrong_code_shows_a_translated_error(
    client: Client, web_world: WebWorld
) -> None:
    signed_in(client, web_world.users["viewer"])
    client.post(reverse("account:totp"), {"step": "begin"})
    reply = client.post(reverse("account:totp"), {"step": "confirm", "code": "123456"}, follow=True)
    assert "一次性验证码无效" in reply.content.decode()


def test_token_page_shows_the_secret_once_and_lists_the_prefix(
    client: Client, web_world: WebWorld
) -> None:
    signed_in(client, web_world.users["metering_staff"])
    client.post(reverse("account:create_token"), {"name": "DCS"})
    first = client.get(reverse("account:account")).content.decode()
    assert 'id="new-token"' in first
    second = client.get(reverse("account:account")).content.decode()
    assert 'id="new-token"' not in second
    assert "DCS" in second
