"""The carbon-flow diagram (碳流图) of a line: process units, stores and feeders joined by flows.

Instruments are placed on edges from the metrology side (``Instrument.location``), and an edge
names the emission sources its flow feeds, so the diagram answers "which meter measures the coal
burnt at the calciner" (R7.1.1).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tanji.plant.choices import FlowMediumChoices, NodeKindChoices
from tanji.plant.models.base import EnterpriseOwned
from tanji.plant.models.structure import EmissionSource, ProductionLine
from tanji.tenancy.validation import field_error


class CarbonFlowDiagram(EnterpriseOwned):
    """One diagram per production line."""

    line = models.OneToOneField(
        ProductionLine, models.PROTECT, related_name="diagram", verbose_name=_("production line")
    )
    title = models.CharField(_("title"), max_length=128)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("carbon-flow diagram")
        verbose_name_plural = _("carbon-flow diagrams")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """The line belongs to the same enterprise."""
        self.check_same_enterprise(line=self.line if self.line_id else None)


class FlowNode(EnterpriseOwned):
    """A process unit, store or feeder (or the world outside the boundary)."""

    diagram = models.ForeignKey(
        CarbonFlowDiagram, models.CASCADE, related_name="nodes", verbose_name=_("diagram")
    )
    key = models.SlugField(_("key"), max_length=48)
    kind = models.CharField(_("kind"), max_length=16, choices=NodeKindChoices.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=128)
    name_en = models.CharField(_("name (English)"), max_length=128, blank=True)
    x = models.FloatField(_("x position"), default=0)
    y = models.FloatField(_("y position"), default=0)

    class Meta:
        verbose_name = _("flow node")
        verbose_name_plural = _("flow nodes")
        ordering = ["diagram_id", "key"]
        constraints = [
            models.UniqueConstraint(fields=["diagram", "key"], name="node_key_per_diagram")
        ]

    def __str__(self) -> str:
        return self.name_zh

    def clean(self) -> None:
        """The diagram belongs to the same enterprise."""
        self.check_same_enterprise(diagram=self.diagram if self.diagram_id else None)


class FlowEdge(EnterpriseOwned):
    """A material or energy flow from one node to another."""

    diagram = models.ForeignKey(
        CarbonFlowDiagram, models.CASCADE, related_name="edges", verbose_name=_("diagram")
    )
    key = models.SlugField(_("key"), max_length=48)
    from_node = models.ForeignKey(
        FlowNode, models.CASCADE, related_name="outgoing", verbose_name=_("from")
    )
    to_node = models.ForeignKey(
        FlowNode, models.CASCADE, related_name="incoming", verbose_name=_("to")
    )
    medium = models.CharField(_("medium"), max_length=16, choices=FlowMediumChoices.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=128)
    name_en = models.CharField(_("name (English)"), max_length=128, blank=True)
    feeds = models.ManyToManyField(
        EmissionSource, blank=True, related_name="fed_by", verbose_name=_("feeds sources")
    )

    class Meta:
        verbose_name = _("flow edge")
        verbose_name_plural = _("flow edges")
        ordering = ["diagram_id", "key"]
        constraints = [
            models.UniqueConstraint(fields=["diagram", "key"], name="edge_key_per_diagram")
        ]

    def __str__(self) -> str:
        return self.name_zh

    def clean(self) -> None:
        """Both ends on this diagram and distinct."""
        self.check_same_enterprise(diagram=self.diagram if self.diagram_id else None)
        for field in ("from_node", "to_node"):
            node = getattr(self, field) if getattr(self, f"{field}_id") else None
            if node is not None and node.diagram_id != self.diagram_id:
                raise field_error(field, _("is on another diagram"), "other_diagram")
        if self.from_node_id and self.from_node_id == self.to_node_id:
            raise field_error("to_node", _("a flow joins two nodes"), "loop")
