"""Writes of the plant app: sites, lines, emission sources and tags.

Each function takes the actor first, resolves parents through the scoped queries (an invisible
parent is "not found"), checks the permission table, and writes through
:mod:`tanji.tenancy.writes` (validation into a CodedError, one transaction, an audit entry).
Diagram and laboratory writes are in :mod:`tanji.plant.diagrams` and :mod:`tanji.plant.lab`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tanji.plant import queries
from tanji.plant.choices import SOURCE_KINDS, SourceKindChoices
from tanji.plant.models import EmissionSource, ProductionLine, Site, Tag
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.permissions import Action
from tanji.tenancy.validation import InvalidInput
from tanji.tenancy.writes import save_changes, save_new

__all__ = [
    "create_line",
    "create_site",
    "create_source",
    "create_tag",
    "update_line",
    "update_site",
    "update_source",
    "update_tag",
]

SITE_EDITABLE = frozenset({"code", "name_zh", "name_en", "address"})
LINE_EDITABLE = frozenset(
    {"code", "name_zh", "name_en", "design_capacity_t_per_d", "clinker_type", "commissioned_on"}
)
SOURCE_EDITABLE = frozenset(
    {"code", "name_zh", "name_en", "in_clinker_boundary", "in_enterprise_boundary"}
)
TAG_EDITABLE = frozenset(
    {
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
        "active",
        "source_id",
    }
)


@transaction.atomic
def create_site(actor: Actor, *, enterprise_id: int, **fields: Any) -> Site:
    """Create a site of an enterprise (``code``, ``name_zh``, ``name_en``, ``address``)."""
    enterprise = tenancy_queries.enterprise(actor, enterprise_id)
    actor.require(Action.EDIT_PLANT, enterprise)
    site = Site(enterprise=enterprise)
    return save_new(actor, site, fields, SITE_EDITABLE)


@transaction.atomic
def update_site(actor: Actor, site_id: int, **changes: Any) -> Site:
    """Change a site's code, names or address."""
    site = queries.site(actor, site_id)
    actor.require(Action.EDIT_PLANT, site.enterprise)
    return save_changes(actor, site, changes, SITE_EDITABLE)


@transaction.atomic
def create_line(actor: Actor, *, site_id: int, **fields: Any) -> ProductionLine:
    """Create a production line (kiln) on a site."""
    site = queries.site(actor, site_id)
    actor.require(Action.EDIT_PLANT, site.enterprise)
    line = ProductionLine(enterprise_id=site.enterprise_id, site=site)
    return save_new(actor, line, fields, LINE_EDITABLE)


@transaction.atomic
def update_line(actor: Actor, line_id: int, **changes: Any) -> ProductionLine:
    """Change a line's code, names, capacity, clinker type or commissioning date."""
    line = queries.line(actor, line_id)
    actor.require(Action.EDIT_PLANT, line.enterprise)
    return save_changes(actor, line, changes, LINE_EDITABLE)


@transaction.atomic
def create_source(
    actor: Actor,
    *,
    site_id: int,
    kind: str,
    line_id: int | None = None,
    **fields: Any,
) -> EmissionSource:
    """Create an emission source; boundary membership defaults from its kind (``SOURCE_KINDS``)."""
    site = queries.site(actor, site_id)
    actor.require(Action.EDIT_PLANT, site.enterprise)
    if kind not in SOURCE_KINDS:
        raise InvalidInput(
            "plant.unknown_source_kind",
            "unknown emission-source kind {kind!r} (expected one of {expected})",
            kind=kind,
            expected=", ".join(SourceKindChoices.values),
        )
    line = queries.line(actor, line_id) if line_id is not None else None
    defaults = SOURCE_KINDS[kind]
    fields.setdefault("in_clinker_boundary", defaults.clinker)
    fields.setdefault("in_enterprise_boundary", defaults.enterprise)
    source = EmissionSource(enterprise_id=site.enterprise_id, site=site, line=line, kind=kind)
    return save_new(actor, source, fields, SOURCE_EDITABLE)


@transaction.atomic
def update_source(actor: Actor, source_id: int, **changes: Any) -> EmissionSource:
    """Change a source's code, names or boundary membership."""
    source = queries.source(actor, source_id)
    actor.require(Action.EDIT_PLANT, source.enterprise)
    return save_changes(actor, source, changes, SOURCE_EDITABLE)


@transaction.atomic
def create_tag(
    actor: Actor,
    *,
    enterprise_id: int,
    line_id: int | None = None,
    source_id: int | None = None,
    **fields: Any,
) -> Tag:
    """Create a tag (metering staff or enterprise admin); its pk keys the time series."""
    enterprise = tenancy_queries.enterprise(actor, enterprise_id)
    actor.require(Action.EDIT_TAGS, enterprise)
    line = queries.line(actor, line_id) if line_id is not None else None
    source = queries.source(actor, source_id) if source_id is not None else None
    tag = Tag(enterprise=enterprise, line=line, source=source)
    return save_new(actor, tag, fields, TAG_EDITABLE - {"source_id"})


@transaction.atomic
def update_tag(actor: Actor, tag_id: int, **changes: Any) -> Tag:
    """Change a tag's description, unit, range, aggregation, role, source or activity."""
    tag = queries.tag(actor, tag_id)
    actor.require(Action.EDIT_TAGS, tag.enterprise)
    if changes.get("source_id") is not None:
        queries.source(actor, changes["source_id"])  # must be visible
    return save_changes(actor, tag, changes, TAG_EDITABLE)
