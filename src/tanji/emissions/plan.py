"""Resolve the bindings of a line (or of a site's enterprise-level sources) to tag ids.

A :class:`ScopePlan` is what the engine needs to compute a scope: its sources with their
binding and the tag ids of every activity group, the kiln-tail CEMS tags, and each tag's
aggregation kind, range and relative uncertainty. Built once per computation from the ORM.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from tanji.accounting.cems import co2_mg_per_m3
from tanji.accounting.quantities import conversion_factor
from tanji.emissions.bindings import BINDINGS, CEMS_TAGS, HJ212_CEMS_TAGS, Binding
from tanji.emissions.instruments import overdue_tags, tag_u_rel
from tanji.plant import queries as plant_queries
from tanji.plant.choices import SOURCE_KINDS
from tanji.plant.models import EmissionSource, ProductionLine, Tag
from tanji.tenancy.actor import Actor


@dataclass(frozen=True)
class TagInfo:
    """What the engine needs of a tag."""

    id: int
    code: str
    aggregation: str
    range_min: float
    range_max: float
    u_rel: float


@dataclass(frozen=True)
class SourcePlan:
    """One source with its binding resolved: activity name → groups of tag ids."""

    id: int
    kind: str
    category: str
    in_clinker: bool
    in_enterprise: bool
    binding: Binding
    activities: dict[str, tuple[tuple[int, ...], ...]]


@dataclass(frozen=True)
class ScopePlan:
    """A line (``line_id`` set, scope key ``k<id>``) or a site's enterprise-level sources."""

    enterprise_id: int
    line_id: int | None
    site_id: int
    scope: str
    sources: tuple[SourcePlan, ...]
    cems: dict[str, int]
    tags: dict[int, TagInfo] = field(default_factory=dict)
    overdue: frozenset[int] = frozenset()
    #: Design clinker output of the line, t/h (0 for a site).
    design_clinker_t_per_h: float = 0.0
    #: Factor from a CEMS tag's stored unit to its role's unit (absent: 1, already in it).
    cems_scale: dict[int, float] = field(default_factory=dict)


def line_plan(actor: Actor, line: ProductionLine, at: date | None = None) -> ScopePlan:
    """The plan of a production line (its per-line sources and the kiln stack)."""
    sources = plant_queries.sources(actor).filter(line=line)
    plan = _plan(actor, line.enterprise_id, line.pk, line.site_id, line.code, sources, at)
    return replace(plan, design_clinker_t_per_h=line.design_capacity_t_per_d / 24.0)


def site_plan(actor: Actor, site_id: int, at: date | None = None) -> ScopePlan:
    """The plan of the enterprise-level sources of a site (no line)."""
    site = plant_queries.site(actor, site_id)
    sources = plant_queries.sources(actor).filter(site=site, line__isnull=True)
    return _plan(actor, site.enterprise_id, None, site.pk, site.code, sources, at)


def _plan(
    actor: Actor,
    enterprise_id: int,
    line_id: int | None,
    site_id: int,
    prefix: str,
    sources: Iterable[EmissionSource],
    at: date | None,
) -> ScopePlan:
    """Resolve the sources' bindings; instrument states and uncertainties as of ``at``."""
    tags = _active_tags(actor, enterprise_id)
    plans = [p for source in sources if (p := _source_plan(tags, prefix, source)) is not None]
    cems, scale = _cems_tags(tags, prefix, line_id) if line_id is not None else ({}, {})
    used = {i for p in plans for groups in p.activities.values() for g in groups for i in g}
    used |= set(cems.values())
    key = _key(line_id, site_id)
    return _with_tags(
        actor,
        ScopePlan(enterprise_id, line_id, site_id, key, tuple(plans), cems, cems_scale=scale),
        tags,
        used,
        at or datetime.now(UTC).date(),
    )


def _source_plan(tags: dict[str, Tag], prefix: str, source: EmissionSource) -> SourcePlan | None:
    """A source with its binding's tag groups resolved (None: its kind has no binding)."""
    binding = BINDINGS.get(source.kind)
    if binding is None:
        return None
    activities = {
        activity.name: tuple(
            ids for group in activity.groups if (ids := _ids(tags, prefix, group)) is not None
        )
        for activity in binding.activities
    }
    return SourcePlan(
        source.pk,
        source.kind,
        SOURCE_KINDS[source.kind].category,
        source.in_clinker_boundary,
        source.in_enterprise_boundary,
        binding,
        activities,
    )


def line_cems_tags(actor: Actor, line: ProductionLine) -> tuple[dict[str, int], dict[int, float]]:
    """The kiln-tail CEMS tags of a line by role and their factors, as its hourly plan picks them.

    The minute chart reads the same instruments as the hourly CEMS figures, so the two agree.
    """
    return _cems_tags(_active_tags(actor, line.enterprise_id), line.code, line.pk)


def _active_tags(actor: Actor, enterprise_id: int) -> dict[str, Tag]:
    return {
        t.code: t
        for t in plant_queries.tags(actor).filter(enterprise_id=enterprise_id, active=True)
    }


def _cems_tags(
    tags: dict[str, Tag], prefix: str, line_id: int
) -> tuple[dict[str, int], dict[int, float]]:
    """The kiln-tail CEMS tags of a line by role, and each one's factor to the role's unit.

    The line's HJ 212 data logger is the CEMS of record when both of its App. B tags are
    assigned to this line (HJ 75/HJ 212: what the logger reports is what the plant reports);
    otherwise the platform tags ``<line>-CEMS-CO2`` and ``<line>-CEMS-FLOW`` that exist, already
    in the roles' units (%vol dry, Nm³/h).
    """
    logger = {role: tags.get(code) for role, (code, _) in HJ212_CEMS_TAGS.items()}
    if all(t is not None and t.line_id == line_id for t in logger.values()):
        to_role = {"co2_pct": 1.0 / float(co2_mg_per_m3(1.0)), "flow_nm3_per_h": 3600.0}
        chosen = {role: t for role, t in logger.items() if t is not None}
        scale = {
            t.pk: _factor(t.unit, HJ212_CEMS_TAGS[role][1]) * to_role[role]
            for role, t in chosen.items()
        }
        return {role: t.pk for role, t in chosen.items()}, scale
    found = {
        role: tags[f"{prefix}-{suffix}"].pk
        for role, suffix in CEMS_TAGS.items()
        if f"{prefix}-{suffix}" in tags
    }
    return found, {}


def _factor(unit: str, app_b_unit: str) -> float:
    """Factor from a tag's unit to the App. B unit (the ingest converted readings to the tag's)."""
    return 1.0 if unit == app_b_unit else conversion_factor(unit, app_b_unit)


def _key(line_id: int | None, site_id: int) -> str:
    return f"k{line_id}" if line_id is not None else f"site{site_id}"


def _ids(tags: dict[str, Tag], prefix: str, group: tuple[str, ...]) -> tuple[int, ...] | None:
    """Tag ids of a suffix group; None when any tag of the group does not exist."""
    found = [tags.get(f"{prefix}-{suffix}") for suffix in group]
    present = [t.pk for t in found if t is not None]
    if len(group) > 1:  # a group of sub-meters: those that exist
        return tuple(present) or None
    return tuple(present) if present else None


def _with_tags(
    actor: Actor, plan: ScopePlan, tags: dict[str, Tag], used: set[int], at: date
) -> ScopePlan:
    u_rel = tag_u_rel(actor, [t for t in tags.values() if t.pk in used], at)
    info = {
        t.pk: TagInfo(t.pk, t.code, t.aggregation, t.range_min, t.range_max, u_rel[t.pk])
        for t in tags.values()
        if t.pk in used
    }
    return replace(plan, tags=info, overdue=frozenset(overdue_tags(actor, used, at)))
