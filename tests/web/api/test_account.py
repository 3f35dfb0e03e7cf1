"""``/api/v1/account/keys``: list, register and revoke the caller's own keys."""

from __future__ import annotations

import pytest
from django.test import Client

from tanji.tenancy.models import AuditEntry
from tanji.trust.keys import generate_private_key
from tests.web.conftest import WebWorld, signed_in

pytestmark = pytest.mark.django_db
URL = "/api/v1/account/keys"


def test_register_list_and_revoke(client: Client, web_world: WebWorld) -> None:
    user = web_world.users["lab_staff"]
    signed_in(client, user)
    enterprise = web_world.tenants["A"].enterprise.pk
    pem = generate_private_key("sm2-sm3").public_key().to_pem().decode("ascii")
    data = {"enterprise_id": enterprise, "label": "LIMS", "public_key": pem}
    created = client.post(URL, data, content_type="application/json")
    assert created.status_code == 201, created.content
    key = created.json()
    assert (key["suite"], key["enterprise"], key["revoked_at"]) == ("sm2-sm3", enterprise, None)
    assert [k["id"] for k in client.get(URL).json()["items"]] == [key["id"]]
    revoked = client.post(f"{URL}/{key['id']}/revoke")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    actions = AuditEntry.objects.filter(username=user.username).values_list("action", flat=True)
    assert set(actions) >= {"register_key", "revoke_key"}


def test_refusals_are_coded(client: Client, web_world: WebWorld) -> None:
    signed_in(client, web_world.users["lab_staff"])
    other = web_world.tenants["B"].enterprise.pk
    pem = generate_private_key().public_key().to_pem().decode("ascii")
    reply = client.post(
        URL,
        {"enterprise_id": other, "label": "k", "public_key": pem},
        content_type="application/json",
    )
    assert reply.status_code == 400
    assert reply.json()["code"] == "tenancy.key_enterprise"
    assert client.post(f"{URL}/999999/revoke").json()["code"] == "tenancy.not_found"


def test_another_users_key_is_neither_listed_nor_revocable(
    client: Client, web_world: WebWorld
) -> None:
    signed_in(client, web_world.users["lab_staff"])
    enterprise = web_world.tenants["A"].enterprise.pk
    pem = generate_private_key().public_key().to_pem().decode("ascii")
    data = {"enterprise_id": enterprise, "label": "k", "public_key": pem}
    key = client.post(URL, data, content_type="application/json").json()
    other = Client()
    signed_in(other, web_world.users["enterprise_admin"])
    assert other.get(URL).json()["items"] == []
    assert other.post(f"{URL}/{key['id']}/revoke").status_code == 404
