"""Build one demo enterprise's plant: site, lines, sources, tags, diagram, instruments, lab data.

Called by :func:`tanji.demo.builder.build_demo`; every object is looked up by natural key first.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from tanji.demo.diagram import EDGES, LAB_SAMPLES, LINE_INSTRUMENTS, NODES, SITE_INSTRUMENTS
from tanji.demo.diagram import InstrumentSpec
from tanji.demo.enterprises import DEMO_YEAR, DemoEnterprise, DemoLine
from tanji.demo.lines import (
    HEAT_SOURCES,
    HEAT_TAGS,
    LINE_SOURCES,
    LINE_TAGS,
    SITE_SOURCES,
    SITE_TAGS,
    TagSpec,
)
from tanji.metrology import queries as metrology_queries, services as metrology_services
from tanji.plant import diagrams, lab, queries as plant_queries, services as plant_services
from tanji.plant.models import ProductionLine, Site
from tanji.tenancy.actor import Actor
from tanji.tenancy.models import Enterprise, User

if TYPE_CHECKING:
    from tanji.demo.builder import Counter

REFERENCE_CAPACITY_T_PER_D = 5000.0
INSTALLED_ON = date(2021, 3, 15)


def build_plant(
    actor: Actor, counter: Counter, enterprise: Enterprise, spec: DemoEnterprise, staff: User
) -> None:
    """Create whatever of the enterprise's plant is missing."""
    site = counter.ensure(
        plant_queries.sites(actor).filter(enterprise=enterprise, code="S1").first(),
        lambda: plant_services.create_site(
            actor, enterprise_id=enterprise.pk, code="S1", name_zh=f"{spec.name_zh[:4]}厂区",
            name_en="Main works", address=spec.address,
        ),
    )
    site_sources = SITE_SOURCES + (HEAT_SOURCES if spec.with_heat else ())
    sources = _sources(actor, counter, site, None, "S1", site_sources)
    site_tags = SITE_TAGS + (HEAT_TAGS if spec.with_heat else ())
    _tags(actor, counter, enterprise, None, "S1", site_tags, sources, 1.0)
    _instruments(actor, counter, enterprise, "S1", SITE_INSTRUMENTS, {}, staff)
    for line_spec in spec.lines:
        _line(actor, counter, site, line_spec, staff)


def _line(actor: Actor, counter: Counter, site: Site, spec: DemoLine, staff: User) -> None:
    line = counter.ensure(
        plant_queries.lines(actor).filter(enterprise_id=site.enterprise_id, code=spec.code).first(),
        lambda: plant_services.create_line(
            actor, site_id=site.pk, code=spec.code, name_zh=spec.name_zh, name_en=spec.name_en,
            design_capacity_t_per_d=spec.capacity_t_per_d, commissioned_on=date(2012, 10, 1),
        ),
    )
    sources = _sources(actor, counter, site, line, spec.code, LINE_SOURCES)
    scale = spec.capacity_t_per_d / REFERENCE_CAPACITY_T_PER_D
    _tags(actor, counter, site.enterprise, line, spec.code, LINE_TAGS, sources, scale)
    edges = _diagram(actor, counter, line, sources)
    _instruments(actor, counter, site.enterprise, spec.code, LINE_INSTRUMENTS, edges, staff)
    _lab(actor, counter, line, sources)


def _sources(
    actor: Actor,
    counter: Counter,
    site: Site,
    line: ProductionLine | None,
    prefix: str,
    specs: tuple[tuple[str, str, str], ...],
) -> dict[str, int]:
    found = {}
    for kind, name_zh, name_en in specs:
        code = f"{prefix}-{kind.upper()}"
        source = counter.ensure(
            plant_queries.sources(actor).filter(enterprise_id=site.enterprise_id, code=code).first(),
            lambda k=kind, c=code, zh=name_zh, en=name_en: plant_services.create_source(
                actor, site_id=site.pk, kind=k, line_id=line.pk if line else None, code=c,
                name_zh=zh, name_en=en,
            ),
        )
        found[kind] = source.pk
    return found


def _tags(
    actor: Actor,
    counter: Counter,
    enterprise: Enterprise,
    line: ProductionLine | None,
    prefix: str,
    specs: tuple[TagSpec, ...],
    sources: dict[str, int],
    scale: float,
) -> None:
    for spec in specs:
        code = f"{prefix}-{spec.suffix}"
        high = round(spec.high * scale, 2) if spec.scales else spec.high
        counter_tag = spec.aggregation == "total_increasing"
        counter.ensure(
            plant_queries.tags(actor).filter(enterprise=enterprise, code=code).first(),
            lambda s=spec, c=code, h=high, r=counter_tag: plant_services.create_tag(
                actor, enterprise_id=enterprise.pk, line_id=line.pk if line else None,
                source_id=sources[s.source] if s.source else None, code=c, name_zh=s.name_zh,
                name_en=s.name_en, quantity_kind=s.kind, unit=s.unit, resolution=s.resolution,
                aggregation=s.aggregation, range_min=s.low, range_max=h,
                rollover_max=h if r else None, accounting_role=s.role,
            ),
        )


def _diagram(
    actor: Actor, counter: Counter, line: ProductionLine, sources: dict[str, int]
) -> dict[str, int]:
    diagram = counter.ensure(
        plant_queries.diagrams(actor).filter(line=line).first(),
        lambda: diagrams.create_diagram(
            actor, line_id=line.pk, title=f"{line.name_zh}碳流图",
            notes="Demo diagram: fuel, material, electricity, heat and flue-gas flows.",
        ),
    )
    nodes = {n.key for n in plant_queries.flow_nodes(actor, diagram_id=diagram.pk)}
    for key, kind, name_zh, name_en, x, y in NODES:
        if key not in nodes:
            counter.ensure(None, lambda k=key, kd=kind, zh=name_zh, en=name_en, xx=x, yy=y: (
                diagrams.add_node(actor, diagram_id=diagram.pk, key=k, kind=kd, name_zh=zh,
                                  name_en=en, x=xx, y=yy)
            ))
    edges = {e.key: e.pk for e in plant_queries.flow_edges(actor, diagram_id=diagram.pk)}
    for key, start, end, medium, name_zh, name_en, fed in EDGES:
        if key not in edges:
            edge = counter.ensure(None, lambda k=key, a=start, b=end, m=medium, zh=name_zh,
                                  en=name_en, f=fed: diagrams.add_edge(
                actor, diagram_id=diagram.pk, key=k, from_key=a, to_key=b, medium=m,
                name_zh=zh, name_en=en, feeds=[sources[kind] for kind in f],
            ))
            edges[key] = edge.pk
    return edges


def _instruments(
    actor: Actor,
    counter: Counter,
    enterprise: Enterprise,
    prefix: str,
    specs: tuple[InstrumentSpec, ...],
    edges: dict[str, int],
    staff: User,
) -> None:
    for spec in specs:
        code = f"{prefix}-{spec.suffix}"
        existing = metrology_queries.instruments(actor).filter(
            enterprise=enterprise, code=code
        ).first()
        instrument = counter.ensure(existing, lambda s=spec, c=code: (
            metrology_services.create_instrument(
                actor, enterprise_id=enterprise.pk, responsible_id=staff.pk,
                location_id=edges[s.edge] if s.edge else None, code=c, name_zh=s.name_zh,
                instrument_type=s.instrument_type, maker=s.maker, model=s.model,
                serial_number=f"{c}-{enterprise.pk:03d}", range_min=s.range_min,
                range_max=s.range_max, range_unit=s.unit, accuracy_class=s.accuracy_class,
                calibration_status="valid", installed_on=INSTALLED_ON,
            )
        ))
        linked = set(instrument.tags.values_list("code", flat=True))
        for tag_suffix in spec.tags:
            tag_code = f"{prefix}-{tag_suffix}"
            if tag_code not in linked:
                tag = plant_queries.tag_by_code(actor, enterprise.pk, tag_code)
                counter.ensure(None, lambda t=tag: metrology_services.link_tag(
                    actor, instrument.pk, t.pk
                ))


def _lab(actor: Actor, counter: Counter, line: ProductionLine, sources: dict[str, int]) -> None:
    sampled = datetime(DEMO_YEAR, 6, 1, 0, 30, tzinfo=UTC)
    for number, (suffix, material, kind, method, results) in enumerate(LAB_SAMPLES):
        sample_id = f"{line.code}-{suffix}"
        at = sampled + timedelta(hours=2 * number)
        counter.ensure(
            plant_queries.lab_analyses(actor).filter(
                enterprise_id=line.enterprise_id, sample_id=sample_id
            ).first(),
            lambda s=sample_id, m=material, k=kind, meth=method, rs=results, t=at: (
                lab.record_lab_analysis(
                    actor, enterprise_id=line.enterprise_id, line_id=line.pk,
                    source_id=sources[k], sample_id=s, material=m, sampled_at=t,
                    analysed_at=t + timedelta(hours=6), method_standard=meth,
                    results=[lab.ResultInput(p, v, u, unc) for p, v, u, unc in rs],
                )
            ),
        )
