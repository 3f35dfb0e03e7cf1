"""The signing keys page: Chinese by default, English on request; register and revoke."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tanji.tenancy.credentials.models import UserKey
from tanji.trust.keys import generate_private_key
from tests.web.conftest import WebWorld, signed_in

pytestmark = pytest.mark.django_db


def test_page_registers_lists_and_revokes(client: Client, web_world: WebWorld) -> None:
    signed_in(client, web_world.users["lab_staff"])
    page = client.get(reverse("account:keys"))
    assert page.status_code == 200
    assert "个人签名密钥" in page.content.decode()
    english = client.get(reverse("account:keys"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Personal signing keys" in english
    pem = generate_private_key().public_key().to_pem().decode("ascii")
    data = {
        "enterprise_id": web_world.tenants["A"].enterprise.pk,
        "label": "XRF",
        "public_key": pem,
    }
    assert client.post(reverse("account:keys"), data).status_code == 302
    key = UserKey.objects.get()
    listed = client.get(reverse("account:keys")).content.decode()
    assert key.key_id[:16] in listed
    assert "XRF" in listed
    client.post(reverse("account:revoke_key", args=[key.pk]))
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_a_bad_key_is_refused_with_a_translated_message(
    client: Client, web_world: WebWorld
) -> None:
    signed_in(client, web_world.users["lab_staff"])
    data = {
        "enterprise_id": web_world.tenants["A"].enterprise.pk,
        "label": "k",
        "public_key": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
    }
    reply = client.post(reverse("account:keys"), data)
    assert reply.status_code == 400
    assert "不是 PEM 格式的 Ed25519 或 SM2 公钥" in reply.content.decode()
    assert not UserKey.objects.exists()


def test_the_account_page_links_to_the_keys(client: Client, web_world: WebWorld) -> None:
    signed_in(client, web_world.users["viewer"])
    assert reverse("account:keys") in client.get(reverse("account:account")).content.decode()
