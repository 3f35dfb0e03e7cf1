"""factory_boy factories of the tenancy app (test data is built, never loaded from fixtures)."""

from __future__ import annotations

import factory

from tanji.tenancy.choices import RoleChoices
from tanji.tenancy.credit_code import with_check_character
from tanji.tenancy.models import Enterprise, Membership, Province, User


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = "420000"
    name_zh = "湖北省"
    name_en = "Hubei"


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    province = factory.SubFactory(ProvinceFactory)
    name_zh = factory.Sequence(lambda n: f"测试水泥{n}有限公司")
    name_en = factory.Sequence(lambda n: f"Test Cement {n}")
    credit_code = factory.Sequence(lambda n: with_check_character(f"91420100MA{n:07d}"))
    city = "420100"
    address = "武汉市"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("correct horse battery")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = RoleChoices.VIEWER
    enterprise = factory.SubFactory(EnterpriseFactory)
    province = None
    year = None


def member(role: str, enterprise: Enterprise | None = None, **kwargs: object) -> User:
    """A user holding ``role`` on ``enterprise`` (or on its province for province roles)."""
    from tanji.tenancy.choices import ROLE_SCOPE, ScopeChoices

    scope = ROLE_SCOPE[role]
    if scope == ScopeChoices.PLATFORM:
        membership = MembershipFactory(role=role, enterprise=None, **kwargs)
    elif scope == ScopeChoices.PROVINCE:
        assert enterprise is not None
        membership = MembershipFactory(
            role=role, enterprise=None, province=enterprise.province, **kwargs
        )
    else:
        membership = MembershipFactory(role=role, enterprise=enterprise, **kwargs)
    return membership.user
