"""Choice lists of the tenancy app: roles, the scope each role is granted on, Hubei's cities."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleChoices(models.TextChoices):
    """What a membership lets its user do; the actions are in :mod:`tanji.tenancy.permissions`."""

    PLATFORM_OPERATOR = "platform_operator", _("Platform operator")
    REGULATOR = "regulator", _("Regulator")
    METROLOGY_REVIEWER = "metrology_reviewer", _("Metrology reviewer")
    VERIFIER = "verifier", _("Verifier")
    ENTERPRISE_ADMIN = "enterprise_admin", _("Enterprise administrator")
    METERING_STAFF = "metering_staff", _("Metering staff")
    LAB_STAFF = "lab_staff", _("Laboratory staff")
    VIEWER = "viewer", _("Viewer")


class ScopeChoices(models.TextChoices):
    """What a membership is granted on."""

    PLATFORM = "platform", _("Whole platform")
    PROVINCE = "province", _("Province")
    ENTERPRISE = "enterprise", _("Enterprise")


#: The scope each role is granted on. A verifier's enterprise grant also names a year.
ROLE_SCOPE: dict[str, str] = {
    RoleChoices.PLATFORM_OPERATOR: ScopeChoices.PLATFORM,
    RoleChoices.REGULATOR: ScopeChoices.PROVINCE,
    RoleChoices.METROLOGY_REVIEWER: ScopeChoices.PROVINCE,
    RoleChoices.VERIFIER: ScopeChoices.ENTERPRISE,
    RoleChoices.ENTERPRISE_ADMIN: ScopeChoices.ENTERPRISE,
    RoleChoices.METERING_STAFF: ScopeChoices.ENTERPRISE,
    RoleChoices.LAB_STAFF: ScopeChoices.ENTERPRISE,
    RoleChoices.VIEWER: ScopeChoices.ENTERPRISE,
}

#: Roles whose grant is limited to one reporting year.
YEAR_SCOPED_ROLES = frozenset({RoleChoices.VERIFIER})


class CityChoices(models.TextChoices):
    """Hubei's prefecture-level divisions by GB/T 2260 code (coordinates in ``geography``)."""

    WUHAN = "420100", _("Wuhan")
    HUANGSHI = "420200", _("Huangshi")
    SHIYAN = "420300", _("Shiyan")
    YICHANG = "420500", _("Yichang")
    XIANGYANG = "420600", _("Xiangyang")
    EZHOU = "420700", _("Ezhou")
    JINGMEN = "420800", _("Jingmen")
    XIAOGAN = "420900", _("Xiaogan")
    JINGZHOU = "421000", _("Jingzhou")
    HUANGGANG = "421100", _("Huanggang")
    XIANNING = "421200", _("Xianning")
    SUIZHOU = "421300", _("Suizhou")
    ENSHI = "422800", _("Enshi")
    XIANTAO = "429004", _("Xiantao")
    QIANJIANG = "429005", _("Qianjiang")
    TIANMEN = "429006", _("Tianmen")
    SHENNONGJIA = "429021", _("Shennongjia")
