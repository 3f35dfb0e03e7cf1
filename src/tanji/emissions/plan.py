"""Resolve the bindings of a line (or of a site's enterprise-level sources) to tag ids.

A :class:`ScopePlan` is what the engine needs to compute a scope: its sources with their
binding and the tag ids of every activity group, the kiln-tail CEMS tags, and each tag's
aggregation kind, range and relative uncertainty. Built once per computation from the ORM.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from tanji.emissions.bindings import BINDINGS, CEMS_TAGS, Binding
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
    tags = {
        t.code: t
        for t in plant_queries.tags(actor).filter(enterprise_id=enterprise_id, active=True)
    }
    plans = [p for source in sources if (p := _source_plan(tags, prefix, source)) is not None]
    cems = _cems_tags(tags, prefix) if line_id is not None else {}
    used = {i for p in plans for groups in p.activities.values() for g in groups for i in g}
    used |= set(cems.values())
    return _with_tags(
        actor,
        ScopePlan(enterprise_id, line_id, site_id, _key(line_id, site_id), tuple(plans), cems),
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


def _cems_tags(tags: dict[str, Tag], prefix: str) -> dict[str, int]:
    """The kiln-tail CEMS tags of a line that exist, by role."""
    return {
        role: tags[f"{prefix}-{suffix}"].pk
        for role, suffix in CEMS_TAGS.items()
        if f"{prefix}-{suffix}" in tags
    }


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
    return ScopePlan(
        plan.enterprise_id,
        plan.line_id,
        plan.site_id,
        plan.scope,
        plan.sources,
        plan.cems,
        info,
        frozenset(overdue_tags(actor, used, at)),
    )
