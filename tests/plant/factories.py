"""factory_boy factories of the plant app, and a whole-tenant builder for isolation tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import factory

from tanji.plant.models import (
    CarbonFlowDiagram,
    EmissionSource,
    FlowEdge,
    FlowNode,
    LabAnalysis,
    LabResult,
    ProductionLine,
    Site,
    Tag,
)
from tanji.tenancy.models import Enterprise
from tests.tenancy.factories import EnterpriseFactory


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    enterprise = factory.SubFactory(EnterpriseFactory)
    code = factory.Sequence(lambda n: f"S{n}")
    name_zh = "厂区"


class LineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductionLine

    site = factory.SubFactory(SiteFactory)
    enterprise = factory.SelfAttribute("site.enterprise")
    code = factory.Sequence(lambda n: f"L{n}")
    name_zh = "5000t/d熟料线"
    design_capacity_t_per_d = 5000.0


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmissionSource

    line = factory.SubFactory(LineFactory)
    site = factory.SelfAttribute("line.site")
    enterprise = factory.SelfAttribute("line.enterprise")
    kind = "coal_calciner"
    code = factory.Sequence(lambda n: f"SRC{n}")
    name_zh = "分解炉燃煤"
    in_clinker_boundary = True
    in_enterprise_boundary = True


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    source = factory.SubFactory(SourceFactory)
    line = factory.SelfAttribute("source.line")
    enterprise = factory.SelfAttribute("source.enterprise")
    code = factory.Sequence(lambda n: f"TAG-{n}")
    name_zh = "喂煤量"
    quantity_kind = "mass_flow"
    unit = "t/h"
    resolution = 0.01
    aggregation = "measurement"
    range_min = 0.0
    range_max = 25.0
    accounting_role = "activity"


class DiagramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CarbonFlowDiagram

    line = factory.SubFactory(LineFactory)
    enterprise = factory.SelfAttribute("line.enterprise")
    title = "碳流图"


class NodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FlowNode

    diagram = factory.SubFactory(DiagramFactory)
    enterprise = factory.SelfAttribute("diagram.enterprise")
    key = factory.Sequence(lambda n: f"node-{n}")
    kind = "process_unit"
    name_zh = "节点"


class EdgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FlowEdge

    diagram = factory.SubFactory(DiagramFactory)
    enterprise = factory.SelfAttribute("diagram.enterprise")
    from_node = factory.SubFactory(NodeFactory, diagram=factory.SelfAttribute("..diagram"))
    to_node = factory.SubFactory(NodeFactory, diagram=factory.SelfAttribute("..diagram"))
    key = factory.Sequence(lambda n: f"edge-{n}")
    medium = "fuel"
    name_zh = "煤粉"


class LabAnalysisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LabAnalysis

    line = factory.SubFactory(LineFactory)
    enterprise = factory.SelfAttribute("line.enterprise")
    sample_id = factory.Sequence(lambda n: f"SAMPLE-{n}")
    material = "coal"
    sampled_at = datetime(2025, 6, 1, 8, tzinfo=UTC)
    analysed_at = datetime(2025, 6, 1, 14, tzinfo=UTC)
    method_standard = "GB/T 213-2008"


class LabResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LabResult

    analysis = factory.SubFactory(LabAnalysisFactory)
    enterprise = factory.SelfAttribute("analysis.enterprise")
    parameter = "ncv"
    value = 22.5
    unit = "GJ/t"
    standard_uncertainty = 0.12


@dataclass
class Tenant:
    """One enterprise with one of every plant object (for isolation tests)."""

    enterprise: Enterprise
    site: Site
    line: ProductionLine
    source: EmissionSource
    tag: Tag
    diagram: CarbonFlowDiagram
    edge: FlowEdge
    analysis: LabAnalysis
    result: LabResult


def build_tenant(enterprise: Enterprise) -> Tenant:
    """Create one of each plant object for ``enterprise``."""
    site = SiteFactory(enterprise=enterprise)
    line = LineFactory(site=site)
    source = SourceFactory(line=line)
    tag = TagFactory(source=source)
    diagram = DiagramFactory(line=line)
    edge = EdgeFactory(diagram=diagram)
    edge.feeds.add(source)
    analysis = LabAnalysisFactory(line=line)
    result = LabResultFactory(analysis=analysis)
    return Tenant(enterprise, site, line, source, tag, diagram, edge, analysis, result)
