"""The information-management resources, each a declaration over its queries and services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tanji.metrology import queries as metrology_queries, services as metrology_services
from tanji.metrology.models import Instrument
from tanji.plant import queries as plant_queries, services as plant_services
from tanji.plant.models import EmissionSource, ProductionLine, Site, Tag
from tanji.tenancy import queries as tenancy_queries, services as tenancy_services
from tanji.tenancy.actor import Actor
from tanji.tenancy.models import AuditEntry, Enterprise, User
from tanji.tenancy.permissions import Action
from tanji.tenancy.validation import get_visible
from tanji.web.pages.generic.resources import Resource
from tanji.web.pages.info.forms import MemberForm
from tanji.web.pages.info.members import member_context, roles_of, users_with_roles

ENTERPRISES = Resource(
    slug="enterprises",
    model=Enterprise,
    label=_("Enterprises"),
    rows=tenancy_queries.enterprises,
    row=tenancy_queries.enterprise,
    columns=("name_zh", "credit_code", "city", "province"),
    search=("name_zh", "name_en", "credit_code"),
    detail=("name_zh", "name_en", "credit_code", "city", "address", "province", "created_at"),
    create=tenancy_services.create_enterprise,
    update=tenancy_services.update_enterprise,
    create_fields=("province", "name_zh", "name_en", "credit_code", "city", "address"),
    edit_fields=("name_zh", "name_en", "credit_code", "city", "address"),
    scoped={"province": tenancy_queries.provinces},
    edit_action=Action.EDIT_ENTERPRISE,
)

SITES = Resource(
    slug="sites",
    model=Site,
    label=_("Sites"),
    rows=plant_queries.sites,
    row=plant_queries.site,
    columns=("name_zh", "code", "enterprise", "address"),
    search=("code", "name_zh", "name_en"),
    create=plant_services.create_site,
    update=plant_services.update_site,
    create_fields=("enterprise", "code", "name_zh", "name_en", "address"),
    edit_fields=("code", "name_zh", "name_en", "address"),
    scoped={"enterprise": tenancy_queries.enterprises},
    edit_action=Action.EDIT_PLANT,
)

LINE_FIELDS = (
    "code",
    "name_zh",
    "name_en",
    "design_capacity_t_per_d",
    "clinker_type",
    "commissioned_on",
)
LINES = Resource(
    slug="lines",
    model=ProductionLine,
    label=_("Production lines"),
    rows=plant_queries.lines,
    row=plant_queries.line,
    columns=("name_zh", "code", "site", "design_capacity_t_per_d", "clinker_type"),
    search=("code", "name_zh", "name_en"),
    detail=("name_zh", "name_en", "code", "site", "enterprise", *LINE_FIELDS[3:]),
    create=plant_services.create_line,
    update=plant_services.update_line,
    create_fields=("site", *LINE_FIELDS),
    edit_fields=LINE_FIELDS,
    scoped={"site": plant_queries.sites},
    edit_action=Action.EDIT_PLANT,
)

SOURCE_FIELDS = ("code", "name_zh", "name_en", "in_clinker_boundary", "in_enterprise_boundary")
SOURCES = Resource(
    slug="sources",
    model=EmissionSource,
    label=_("Emission sources"),
    rows=plant_queries.sources,
    row=plant_queries.source,
    columns=("name_zh", "code", "kind", "line", "in_clinker_boundary", "in_enterprise_boundary"),
    search=("code", "name_zh", "name_en", "kind"),
    detail=("name_zh", "name_en", "code", "kind", "site", "line", "enterprise", *SOURCE_FIELDS[3:]),
    create=plant_services.create_source,
    update=plant_services.update_source,
    create_fields=("site", "line", "kind", "code", "name_zh", "name_en"),
    edit_fields=SOURCE_FIELDS,
    scoped={"site": plant_queries.sites, "line": plant_queries.lines},
    edit_action=Action.EDIT_PLANT,
)

TAG_FIELDS = (
    "code",
    "name_zh",
    "name_en",
    "quantity_kind",
    "unit",
    "resolution",
    "aggregation",
    "rollover_max",
    "range_min",
    "range_max",
    "accounting_role",
)
TAGS = Resource(
    slug="tags",
    model=Tag,
    label=_("Tags"),
    rows=plant_queries.tags,
    row=plant_queries.tag,
    columns=("code", "name_zh", "quantity_kind", "unit", "aggregation", "line", "active"),
    search=("code", "name_zh", "name_en"),
    detail=("enterprise", "line", "source", *TAG_FIELDS, "active"),
    create=plant_services.create_tag,
    update=plant_services.update_tag,
    create_fields=("enterprise", "line", "source", *TAG_FIELDS),
    edit_fields=(*TAG_FIELDS, "source", "active"),
    scoped={
        "enterprise": tenancy_queries.enterprises,
        "line": plant_queries.lines,
        "source": plant_queries.sources,
    },
    edit_action=Action.EDIT_TAGS,
)

INSTRUMENT_FIELDS = (
    "code",
    "name_zh",
    "name_en",
    "instrument_type",
    "maker",
    "model",
    "serial_number",
    "range_min",
    "range_max",
    "range_unit",
    "accuracy_class",
    "calibration_status",
    "installed_on",
    "responsible",
)
INSTRUMENTS = Resource(
    slug="instruments",
    model=Instrument,
    label=_("Instruments"),
    rows=metrology_queries.instruments,
    row=metrology_queries.instrument,
    columns=("code", "name_zh", "instrument_type", "accuracy_class", "calibration_status"),
    search=("code", "name_zh", "name_en", "serial_number"),
    detail=("enterprise", *INSTRUMENT_FIELDS, "retired_on"),
    create=metrology_services.create_instrument,
    update=metrology_services.update_instrument,
    create_fields=("enterprise", *INSTRUMENT_FIELDS),
    edit_fields=INSTRUMENT_FIELDS,
    scoped={"enterprise": tenancy_queries.enterprises, "responsible": tenancy_queries.users},
    edit_action=Action.EDIT_INSTRUMENTS,
)


def create_member(actor: Actor, **fields: Any) -> User:
    """Create an account with an enterprise role; the page shows the new user."""
    return tenancy_services.create_member(actor, **fields).user


USERS = Resource(
    slug="users",
    model=User,
    label=_("Users and roles"),
    rows=users_with_roles,
    row=tenancy_queries.user,
    columns=("username", "display_name", "roles", "email", "is_active"),
    search=("username", "display_name", "email"),
    detail=("username", "display_name", "email", "is_active", "last_login", "date_joined"),
    create=create_member,
    update=tenancy_services.update_user,
    create_fields=("enterprise", "username", "password", "role", "display_name", "email"),
    edit_fields=("display_name", "email", "is_active"),
    scoped={"enterprise": tenancy_queries.enterprises},
    edit_action=Action.MANAGE_MEMBERS,
    form_class=MemberForm,
    computed={"roles": (_("Roles"), roles_of)},
    detail_include="web/info/_members.html",
    detail_context=member_context,
)


def audit_entry(actor: Actor, entry_id: int) -> AuditEntry:
    """One audit entry the actor may view (others: NotFound, as for any object)."""
    return get_visible(tenancy_queries.audit_entries(actor), entry_id, "audit entry")  # type: ignore[no-any-return]


AUDIT = Resource(
    slug="audit",
    model=AuditEntry,
    label=_("Audit log"),
    rows=tenancy_queries.audit_entries,
    row=audit_entry,
    columns=("at", "username", "action", "object_type", "object_repr", "enterprise"),
    search=("username", "action", "object_type", "object_repr", "request_id"),
    detail=(
        "at",
        "username",
        "request_id",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "enterprise",
        "before",
        "after",
    ),
    view_action=Action.VIEW_AUDIT,
)

RESOURCES = (ENTERPRISES, SITES, LINES, SOURCES, TAGS, INSTRUMENTS, USERS)
