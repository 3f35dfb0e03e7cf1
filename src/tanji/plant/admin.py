"""Django admin registrations of the plant app (operators' back office)."""

from django.contrib import admin

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


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    """Sites."""

    list_display = ("code", "name_zh", "enterprise")


@admin.register(ProductionLine)
class ProductionLineAdmin(admin.ModelAdmin):
    """Production lines."""

    list_display = ("code", "name_zh", "enterprise", "design_capacity_t_per_d", "clinker_type")


@admin.register(EmissionSource)
class EmissionSourceAdmin(admin.ModelAdmin):
    """Emission sources."""

    list_display = (
        "code",
        "name_zh",
        "kind",
        "line",
        "in_clinker_boundary",
        "in_enterprise_boundary",
    )
    list_filter = ("kind",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Tags."""

    list_display = ("code", "name_zh", "unit", "aggregation", "accounting_role", "line")
    list_filter = ("aggregation", "accounting_role", "quantity_kind")
    search_fields = ("code", "name_zh", "name_en")


class FlowNodeInline(admin.TabularInline):
    """Nodes inside their diagram."""

    model = FlowNode
    extra = 0


@admin.register(CarbonFlowDiagram)
class CarbonFlowDiagramAdmin(admin.ModelAdmin):
    """Diagrams with their nodes."""

    list_display = ("title", "line", "enterprise")
    inlines = (FlowNodeInline,)


@admin.register(FlowEdge)
class FlowEdgeAdmin(admin.ModelAdmin):
    """Flows."""

    list_display = ("key", "name_zh", "medium", "from_node", "to_node", "diagram")


class LabResultInline(admin.TabularInline):
    """Results inside their analysis."""

    model = LabResult
    extra = 0


@admin.register(LabAnalysis)
class LabAnalysisAdmin(admin.ModelAdmin):
    """Lab analyses with their results."""

    list_display = ("sample_id", "material", "sampled_at", "method_standard", "enterprise")
    list_filter = ("material",)
    inlines = (LabResultInline,)
