"""Models of the plant app, split by subject: structure, carbon-flow diagram, laboratory."""

from tanji.plant.models.diagram import CarbonFlowDiagram, FlowEdge, FlowNode
from tanji.plant.models.lab import LabAnalysis, LabResult
from tanji.plant.models.structure import EmissionSource, ProductionLine, Site, Tag

__all__ = [
    "CarbonFlowDiagram",
    "EmissionSource",
    "FlowEdge",
    "FlowNode",
    "LabAnalysis",
    "LabResult",
    "ProductionLine",
    "Site",
    "Tag",
]
