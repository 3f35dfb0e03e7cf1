"""Pages: permission per role, tenant isolation per URL pattern, translated validation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from tanji.tenancy.choices import RoleChoices
from tanji.tenancy.permissions import Action, role_allows
from tanji.web.pages.info.resources import AUDIT, RESOURCES
from tests.web.conftest import WebWorld, signed_in

pytestmark = pytest.mark.django_db

#: Pages without an object id, and the action each needs.
PAGES = {
    "pages:overview": Action.VIEW,
    "pages:metering": Action.VIEW,
    "pages:materials": Action.VIEW,
    "pages:materials_enter": Action.EDIT_LAB,
    "pages:materials_import": Action.EDIT_LAB,
    "pages:reports": Action.VIEW,
    "pages:info": Action.VIEW,
    "account:account": Action.VIEW,
    **{f"pages:{r.slug}_list": r.view_action for r in (*RESOURCES, AUDIT)},
    **{f"pages:{r.slug}_create": r.edit_action for r in RESOURCES if r.create},
}

#: Every page with an object id → the id of tenant ``n``'s object.
OBJECT_IDS: dict[str, Callable[[WebWorld, str], int]] = {
    "enterprises": lambda w, n: w.tenants[n].enterprise.pk,
    "sites": lambda w, n: w.tenants[n].site.pk,
    "lines": lambda w, n: w.tenants[n].line.pk,
    "sources": lambda w, n: w.tenants[n].source.pk,
    "tags": lambda w, n: w.tenants[n].tag.pk,
    "instruments": lambda w, n: w.instruments[n].pk,
    "users": lambda w, n: w.instruments[n].responsible_id,
    "province_enterprise": lambda w, n: w.tenants[n].enterprise.pk,
}


#: Object URLs that only accept POST; their isolation is tested below with POSTs.
POST_ONLY = {"users_grant", "membership_revoke"}


def _object_patterns() -> list[str]:
    """Names of the ``pages`` URL patterns that take a ``pk`` and answer GET."""
    resolver = get_resolver().namespace_dict["pages"][1]
    names = []
    for pattern in _flatten(resolver.url_patterns):
        if "<int:pk>" in str(pattern.pattern) and pattern.name and pattern.name not in POST_ONLY:
            names.append(pattern.name)
    return sorted(names)


def _flatten(patterns: list[object]) -> list[URLPattern]:
    result: list[URLPattern] = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            result.append(pattern)
        else:
            result += _flatten(pattern.url_patterns)  # type: ignore[attr-defined]
    return result


def _slug(name: str) -> str:
    return name.rsplit("_", 1)[0] if name != "province_enterprise" else name


def test_every_object_page_is_in_the_isolation_table() -> None:
    assert {_slug(n) for n in _object_patterns()} - {"audit"} == set(OBJECT_IDS)


@pytest.mark.parametrize("name", [n for n in _object_patterns() if not n.startswith("audit")])
def test_enterprise_user_gets_404_for_another_enterprise(
    client: Client, web_world: WebWorld, name: str
) -> None:
    user = "enterprise_admin" if not name.startswith("province") else "regulator"
    signed_in(client, web_world.users[user])
    key = OBJECT_IDS[_slug(name)]
    own = client.get(reverse(f"pages:{name}", args=[key(web_world, "A")]))
    assert own.status_code == 200
    foreign = ("B", "C") if user == "enterprise_admin" else ("C",)
    for other in foreign:
        assert client.get(reverse(f"pages:{name}", args=[key(web_world, other)])).status_code == 404


@pytest.mark.parametrize("role", RoleChoices.values)
def test_each_role_reaches_exactly_the_pages_its_permissions_allow(
    client: Client, web_world: WebWorld, role: str
) -> None:
    signed_in(client, web_world.users[role])
    for name, action in PAGES.items():
        status = client.get(reverse(name)).status_code
        assert status == (200 if role_allows(role, action) else 403), (name, status)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_anonymous_visitor_is_sent_to_sign_in(client: Client, name: str) -> None:
    reply = client.get(reverse(name))
    assert reply.status_code == 302
    assert reply["Location"].startswith(reverse("account:sign_in"))


def test_audit_entry_of_another_enterprise_is_404(client: Client, web_world: WebWorld) -> None:
    admin_b = signed_in(Client(), web_world.users["platform_operator"])
    enterprise_b = web_world.tenants["B"].enterprise.pk
    admin_b.post(
        reverse("pages:enterprises_edit", args=[enterprise_b]),
        {
            "name_zh": "乙水泥",
            "name_en": "",
            "credit_code": web_world.tenants["B"].enterprise.credit_code,
            "city": "420200",
            "address": "黄石",
        },
    )
    signed_in(client, web_world.users["enterprise_admin"])
    listing = client.get(reverse("pages:audit_list")).content.decode()
    assert "乙水泥" not in listing
    from tanji.tenancy import queries
    from tanji.tenancy.actor import Actor

    entry = queries.audit_entries(Actor.system()).get(enterprise_id=enterprise_b)
    assert client.get(reverse("pages:audit_detail", args=[entry.pk])).status_code == 404
    regulator = signed_in(Client(), web_world.users["regulator"])
    assert regulator.get(reverse("pages:audit_detail", args=[entry.pk])).status_code == 200


def test_invalid_credit_code_is_explained_in_chinese(client: Client, web_world: WebWorld) -> None:
    signed_in(client, web_world.users["enterprise_admin"])
    enterprise = web_world.tenants["A"].enterprise
    reply = client.post(
        reverse("pages:enterprises_edit", args=[enterprise.pk]),
        {"name_zh": enterprise.name_zh, "credit_code": "91420100MA0000000X", "city": "420500"},
    )
    assert reply.status_code == 400
    assert "统一社会信用代码" in reply.content.decode()


def test_the_same_error_in_english_after_the_language_switch(
    client: Client, web_world: WebWorld
) -> None:
    signed_in(client, web_world.users["enterprise_admin"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    site = web_world.tenants["A"].site
    other = web_world.tenants["A"].line.site  # same site: make a duplicate code on a new site
    client.post(
        reverse("pages:sites_create"),
        {
            "enterprise": site.enterprise_id,
            "code": "DUP",
            "name_zh": "一号",
        },
    )
    reply = client.post(
        reverse("pages:sites_create"),
        {
            "enterprise": other.enterprise_id,
            "code": "DUP",
            "name_zh": "二号",
        },
    )
    assert reply.status_code == 400
    assert "already exists" in reply.content.decode()


def test_admin_edits_a_site_and_the_change_is_in_its_history(
    client: Client, web_world: WebWorld
) -> None:
    signed_in(client, web_world.users["enterprise_admin"])
    site = web_world.tenants["A"].site
    reply = client.post(
        reverse("pages:sites_edit", args=[site.pk]),
        {"code": site.code, "name_zh": "新名称", "name_en": "", "address": ""},
    )
    assert reply.status_code == 302
    detail = client.get(reply["Location"]).content.decode()
    assert "新名称" in detail
    assert "update" in detail


def test_search_narrows_the_list_and_htmx_gets_the_table_only(
    client: Client, web_world: WebWorld
) -> None:
    signed_in(client, web_world.users["platform_operator"])
    code = web_world.tenants["B"].enterprise.credit_code
    full = client.get(reverse("pages:enterprises_list"), {"q": code})
    assert code in full.content.decode()
    assert "1" in full.content.decode()
    partial = client.get(reverse("pages:enterprises_list"), {"q": code}, HTTP_HX_REQUEST="true")
    assert partial.content.decode().startswith('<div id="object-table">')


def test_admin_creates_a_member_with_a_role(client: Client, web_world: WebWorld) -> None:
    signed_in(client, web_world.users["enterprise_admin"])
    reply = client.post(
        reverse("pages:users_create"),
        {
            "enterprise": web_world.tenants["A"].enterprise.pk,
            "username": "new.lab",
            "password": "long enough password",
            "role": "lab_staff",
        },
    )
    assert reply.status_code == 302
    short = client.post(
        reverse("pages:users_create"),
        {
            "enterprise": web_world.tenants["A"].enterprise.pk,
            "username": "new.two",
            "password": "short",
            "role": "lab_staff",
        },
    )
    assert short.status_code == 400
    assert "12" in short.content.decode()


def test_roles_are_granted_and_revoked_on_the_user_page(
    client: Client, web_world: WebWorld
) -> None:
    signed_in(client, web_world.users["enterprise_admin"])
    staff = web_world.instruments["A"].responsible
    enterprise = web_world.tenants["A"].enterprise.pk
    reply = client.post(
        reverse("pages:users_grant", args=[staff.pk]),
        {"role": "lab_staff", "enterprise": enterprise},
        follow=True,
    )
    body = reply.content.decode()
    assert "化验人员" in body
    listing = client.get(reverse("pages:users_list")).content.decode()
    assert "化验人员" in listing
    membership = staff.memberships.get(role="lab_staff")
    client.post(reverse("pages:membership_revoke", args=[membership.pk]))
    assert not staff.memberships.filter(role="lab_staff").exists()


def test_roles_of_another_enterprise_cannot_be_granted_or_revoked(
    client: Client, web_world: WebWorld
) -> None:
    signed_in(client, web_world.users["enterprise_admin"])
    other_staff = web_world.instruments["B"].responsible
    reply = client.post(
        reverse("pages:users_grant", args=[other_staff.pk]),
        {"role": "viewer", "enterprise": web_world.tenants["A"].enterprise.pk},
        follow=True,
    )
    assert not other_staff.memberships.filter(role="viewer").exists()
    assert reply.status_code == 404 or "没有" in reply.content.decode()
    foreign = other_staff.memberships.first()
    assert client.post(reverse("pages:membership_revoke", args=[foreign.pk])).status_code == 404


def test_admin_does_not_see_roles_held_in_other_enterprises(
    client: Client, web_world: WebWorld
) -> None:
    staff_b = web_world.instruments["B"].responsible
    from tests.tenancy.factories import MembershipFactory

    MembershipFactory(user=staff_b, role="viewer", enterprise=web_world.tenants["A"].enterprise)
    signed_in(client, web_world.users["enterprise_admin"])
    page = client.get(reverse("pages:users_detail", args=[staff_b.pk])).content.decode()
    assert str(web_world.tenants["A"].enterprise) in page
    assert str(web_world.tenants["B"].enterprise) not in page


#: Queries a list page may issue whatever its length (session, user, grants, count, rows …).
QUERY_CEILING = 12


@pytest.mark.parametrize("resource", [r.slug for r in (*RESOURCES, AUDIT)])
def test_list_pages_stay_under_a_query_ceiling(
    client: Client, web_world: WebWorld, resource: str, django_assert_max_num_queries: Any
) -> None:
    signed_in(client, web_world.users["platform_operator"])
    with django_assert_max_num_queries(QUERY_CEILING):
        assert client.get(reverse(f"pages:{resource}_list")).status_code == 200


def test_regulator_filters_a_list_by_enterprise(client: Client, web_world: WebWorld) -> None:
    signed_in(client, web_world.users["regulator"])
    a, b = web_world.tenants["A"], web_world.tenants["B"]
    a.site.code, b.site.code = "SITE-A", "SITE-B"
    a.site.save()
    b.site.save()
    both = client.get(reverse("pages:sites_list")).content.decode()
    assert "SITE-A" in both
    assert "SITE-B" in both
    assert 'name="enterprise"' in both
    only_b = client.get(reverse("pages:sites_list"), {"enterprise": b.enterprise.pk}).content
    assert "SITE-A" not in only_b.decode()
    assert "SITE-B" in only_b.decode()
    foreign = web_world.tenants["C"].enterprise.pk  # another province: the filter finds nothing
    assert (
        "SITE-"
        not in client.get(reverse("pages:sites_list"), {"enterprise": foreign})
        .content.decode()
        .split("object-table")[1]
    )
