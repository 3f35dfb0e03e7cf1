"""Demo tenants as data: the Hubei province, its enterprises, their lines and their people.

Names are invented (no real company is meant); credit codes are syntactically valid
GB 32100-2015 codes built with :func:`~tanji.tenancy.credit_code.with_check_character`.
"""

from __future__ import annotations

from dataclasses import dataclass

from tanji.tenancy.choices import RoleChoices

PROVINCE = ("420000", "湖北省", "Hubei")
#: The reporting year verifiers are granted and the demo lab samples fall in.
DEMO_YEAR = 2025


@dataclass(frozen=True)
class DemoLine:
    """A kiln line of a demo enterprise."""

    code: str
    name_zh: str
    name_en: str
    capacity_t_per_d: float
    tyres: bool = False


@dataclass(frozen=True)
class DemoEnterprise:
    """A demo enterprise with one site."""

    slug: str
    name_zh: str
    name_en: str
    credit_prefix: str
    city: str
    address: str
    lines: tuple[DemoLine, ...]
    with_heat: bool = False


ENTERPRISES: tuple[DemoEnterprise, ...] = (
    DemoEnterprise(
        "chujiang",
        "楚江水泥有限公司",
        "Chujiang Cement Co., Ltd.",
        "91420100MA4KT0CJ1",
        "420100",
        "武汉市江夏区楚江大道88号",
        (
            DemoLine("L1", "1号5000t/d熟料线", "Line 1, 5000 t/d", 5000),
            DemoLine("L2", "2号5000t/d熟料线", "Line 2, 5000 t/d", 5000, tyres=True),
        ),
        with_heat=True,
    ),
    DemoEnterprise(
        "cihu",
        "黄石磁湖建材有限公司",
        "Huangshi Cihu Building Materials Co., Ltd.",
        "91420200MA49H2PQ5",
        "420200",
        "黄石市下陆区磁湖路16号",
        (DemoLine("L1", "5000t/d熟料线", "5000 t/d line", 5000),),
    ),
    DemoEnterprise(
        "xiajiang",
        "宜昌峡江水泥有限公司",
        "Yichang Xiajiang Cement Co., Ltd.",
        "91420500MA48R6WX7",
        "420500",
        "宜昌市夷陵区峡江路3号",
        (DemoLine("L1", "4500t/d熟料线", "4500 t/d line", 4500),),
    ),
    DemoEnterprise(
        "hanjiang",
        "荆门汉江水泥有限公司",
        "Jingmen Hanjiang Cement Co., Ltd.",
        "91420800MA4A9L3N2",
        "420800",
        "荆门市东宝区汉江路21号",
        (DemoLine("L1", "2500t/d熟料线", "2500 t/d line", 2500),),
    ),
)


@dataclass(frozen=True)
class DemoUser:
    """A demo login: username, display name, role and scope (enterprise slug or province)."""

    username: str
    display_name: str
    role: str
    enterprise: str | None = None
    year: int | None = None


ENTERPRISE_ROLES = (
    ("admin", "企业管理员", RoleChoices.ENTERPRISE_ADMIN),
    ("metering", "计量员", RoleChoices.METERING_STAFF),
    ("lab", "化验员", RoleChoices.LAB_STAFF),
    ("viewer", "查看者", RoleChoices.VIEWER),
)


def demo_users() -> tuple[DemoUser, ...]:
    """Every demo login: one per platform/province role, four per enterprise, one verifier."""
    users = [
        DemoUser("operator", "平台运维", RoleChoices.PLATFORM_OPERATOR),
        DemoUser("hubei.regulator", "湖北省市场监管局", RoleChoices.REGULATOR),
        DemoUser("hubei.metrology", "湖北省计量院审查员", RoleChoices.METROLOGY_REVIEWER),
        DemoUser(
            "verifier.chujiang", "核查机构（楚江）", RoleChoices.VERIFIER, "chujiang", DEMO_YEAR
        ),
    ]
    for enterprise in ENTERPRISES:
        for suffix, title, role in ENTERPRISE_ROLES:
            users.append(
                DemoUser(
                    f"{enterprise.slug}.{suffix}",
                    f"{enterprise.name_zh[:4]}{title}",
                    role,
                    enterprise.slug,
                )
            )
    return tuple(users)
