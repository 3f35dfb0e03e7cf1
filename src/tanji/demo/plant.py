"""Build one demo enterprise's plant: site, lines, sources, tags, diagram, instruments, lab data.

Called by :func:`tanji.demo.builder.build_demo`; every object is looked up by natural key first.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from tanji.demo.diagram import (
    EDGES,
    LAB_SAMPLES,
    LINE_INSTRUMENTS,
    NODES,
    SITE_INSTRUMENTS,
    InstrumentSpec,
)
from tanji.demo.enterprises import DEMO_YEAR, DemoEnterprise, DemoLine
from tanji.demo.lab_staff import lab_staff
from tanji.demo.lines import (
    HEAT_SOURCES,
    HEAT_TAGS,
    LINE_SOURCES,
    LINE_TAGS,
    SITE_SOURCES,
    SITE_TAGS,
    TYRE_SOURCES,
    TYRE_TAGS,
    TagSpec,
)
from tanji.evidence.attestation import Credential, submitting
from tanji.metrology import queries as metrology_queries, services as metrology_services
from tanji.metrology.models import Instrument
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
    site = plant_queries.sites(actor).filter(enterprise=enterprise, code="S1").first()
    site = site or counter.add(
        plant_services.create_site(
            actor,
            enterprise_id=enterprise.pk,
            code="S1",
            name_zh=f"{spec.name_zh[:4]}厂区",
            name_en="Main works",
            address=spec.address,
        )
    )
    site_sources = SITE_SOURCES + (HEAT_SOURCES if spec.with_heat else ())
    sources = _sources(actor, counter, site, None, "S1", site_sources)
    site_tags = SITE_TAGS + (HEAT_TAGS if spec.with_heat else ())
    _tags(actor, counter, enterprise.pk, None, "S1", site_tags, sources, 1.0)
    _instruments(actor, counter, enterprise, "S1", SITE_INSTRUMENTS, {}, staff)
    for line_spec in spec.lines:
        _line(actor, counter, site, line_spec, staff)


def _line(actor: Actor, counter: Counter, site: Site, spec: DemoLine, staff: User) -> None:
    line = plant_queries.lines(actor).filter(enterprise=site.enterprise, code=spec.code).first()
    line = line or counter.add(
        plant_services.create_line(
            actor,
            site_id=site.pk,
            code=spec.code,
            name_zh=spec.name_zh,
            name_en=spec.name_en,
            design_capacity_t_per_d=spec.capacity_t_per_d,
            commissioned_on=date(2012, 10, 1),
        )
    )
    line_sources = LINE_SOURCES + (TYRE_SOURCES if spec.tyres else ())
    sources = _sources(actor, counter, site, line, spec.code, line_sources)
    scale = spec.capacity_t_per_d / REFERENCE_CAPACITY_T_PER_D
    line_tags = LINE_TAGS + (TYRE_TAGS if spec.tyres else ())
    _tags(actor, counter, site.enterprise_id, line, spec.code, line_tags, sources, scale)
    edges = _diagram(actor, counter, line, sources)
    _instruments(actor, counter, site.enterprise, spec.code, LINE_INSTRUMENTS, edges, staff)
    with submitting(Credential("platform_command", "command:demo")):  # ADR 0210
        _lab(lab_staff(actor, line.enterprise_id), counter, line, sources)


def _sources(
    actor: Actor,
    counter: Counter,
    site: Site,
    line: ProductionLine | None,
    prefix: str,
    specs: tuple[tuple[str, str, str], ...],
) -> dict[str, int]:
    existing = {s.code: s.pk for s in plant_queries.sources(actor).filter(site=site)}
    found = {}
    for kind, name_zh, name_en in specs:
        code = f"{prefix}-{kind.upper()}"
        found[kind] = (
            existing.get(code)
            or counter.add(
                plant_services.create_source(
                    actor,
                    site_id=site.pk,
                    kind=kind,
                    line_id=line.pk if line else None,
                    code=code,
                    name_zh=name_zh,
                    name_en=name_en,
                )
            ).pk
        )
    return found


def _tags(
    actor: Actor,
    counter: Counter,
    enterprise_id: int,
    line: ProductionLine | None,
    prefix: str,
    specs: tuple[TagSpec, ...],
    sources: dict[str, int],
    scale: float,
) -> None:
    existing = set(
        plant_queries.tags(actor).filter(enterprise_id=enterprise_id).values_list("code", flat=True)
    )
    for spec in specs:
        code = f"{prefix}-{spec.suffix}"
        if code in existing:
            continue
        high = round(spec.high * scale, 2) if spec.scales else spec.high
        is_counter = spec.aggregation == "total_increasing"
        counter.add(
            plant_services.create_tag(
                actor,
                enterprise_id=enterprise_id,
                line_id=line.pk if line else None,
                source_id=sources[spec.source] if spec.source else None,
                code=code,
                name_zh=spec.name_zh,
                name_en=spec.name_en,
                quantity_kind=spec.kind,
                unit=spec.unit,
                resolution=spec.resolution,
                aggregation=spec.aggregation,
                range_min=spec.low,
                range_max=high,
                rollover_max=high if is_counter else None,
                accounting_role=spec.role,
            )
        )


def _diagram(
    actor: Actor, counter: Counter, line: ProductionLine, sources: dict[str, int]
) -> dict[str, int]:
    diagram = plant_queries.diagrams(actor).filter(line=line).first() or counter.add(
        diagrams.create_diagram(
            actor,
            line_id=line.pk,
            title=f"{line.name_zh}碳流图",
            notes="Demo diagram: fuel, material, electricity, heat and flue-gas flows.",
        )
    )
    _nodes(actor, counter, diagram.pk)
    return _edges(actor, counter, diagram.pk, sources)


def _nodes(actor: Actor, counter: Counter, diagram_id: int) -> None:
    nodes = {n.key for n in plant_queries.flow_nodes(actor, diagram_id=diagram_id)}
    for key, kind, name_zh, name_en, x, y in NODES:
        if key not in nodes:
            counter.add(
                diagrams.add_node(
                    actor,
                    diagram_id=diagram_id,
                    key=key,
                    kind=kind,
                    name_zh=name_zh,
                    name_en=name_en,
                    x=x,
                    y=y,
                )
            )


def _edges(
    actor: Actor, counter: Counter, diagram_id: int, sources: dict[str, int]
) -> dict[str, int]:
    edges = {e.key: e.pk for e in plant_queries.flow_edges(actor, diagram_id=diagram_id)}
    for key, start, end, medium, name_zh, name_en, fed in EDGES:
        if key not in edges:
            edges[key] = counter.add(
                diagrams.add_edge(
                    actor,
                    diagram_id=diagram_id,
                    key=key,
                    from_key=start,
                    to_key=end,
                    medium=medium,
                    name_zh=name_zh,
                    name_en=name_en,
                    feeds=[sources[kind] for kind in fed],
                )
            ).pk
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
        instrument = metrology_queries.instruments(actor).filter(
            enterprise=enterprise, code=code
        ).first() or counter.add(_new_instrument(actor, enterprise, code, spec, edges, staff))
        linked = set(instrument.tags.values_list("code", flat=True))
        for tag_suffix in spec.tags:
            tag_code = f"{prefix}-{tag_suffix}"
            if tag_code not in linked:
                tag = plant_queries.tag_by_code(actor, enterprise.pk, tag_code)
                counter.add(metrology_services.link_tag(actor, instrument.pk, tag.pk))


def _new_instrument(
    actor: Actor,
    enterprise: Enterprise,
    code: str,
    spec: InstrumentSpec,
    edges: dict[str, int],
    staff: User,
) -> Instrument:
    return metrology_services.create_instrument(
        actor,
        enterprise_id=enterprise.pk,
        responsible_id=staff.pk,
        location_id=edges[spec.edge] if spec.edge else None,
        code=code,
        name_zh=spec.name_zh,
        instrument_type=spec.instrument_type,
        maker=spec.maker,
        model=spec.model,
        serial_number=f"{code}-{enterprise.pk:03d}",
        range_min=spec.range_min,
        range_max=spec.range_max,
        range_unit=spec.unit,
        accuracy_class=spec.accuracy_class,
        calibration_status="valid",
        installed_on=INSTALLED_ON,
    )


def _lab(actor: Actor, counter: Counter, line: ProductionLine, sources: dict[str, int]) -> None:
    sampled = datetime(DEMO_YEAR, 6, 1, 0, 30, tzinfo=UTC)
    existing = set(
        plant_queries.lab_analyses(actor, line_id=line.pk).values_list("sample_id", flat=True)
    )
    for number, (suffix, material, kind, method, results) in enumerate(LAB_SAMPLES):
        sample_id = f"{line.code}-{suffix}"
        if sample_id in existing:
            continue
        at = sampled + timedelta(hours=2 * number)
        counter.add(
            lab.record_lab_analysis(
                actor,
                enterprise_id=line.enterprise_id,
                line_id=line.pk,
                source_id=sources[kind],
                sample_id=sample_id,
                material=material,
                sampled_at=at,
                analysed_at=at + timedelta(hours=6),
                method_standard=method,
                results=[lab.ResultInput(p, v, u, unc) for p, v, u, unc in results],
            )
        )
