"""API of the plant context: sites, lines, emission sources, tags, laboratory analyses.

No ``from __future__ import annotations`` in router modules: Ninja reads the handlers' annotations
through the ``api_requires`` wrapper, which must find real classes, not strings.
"""

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import ModelSchema, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from tanji.plant import lab, queries, services
from tanji.plant.models import EmissionSource, LabAnalysis, LabResult, ProductionLine, Site, Tag
from tanji.tenancy.permissions import Action
from tanji.web.access import actor_of, api_requires

router = Router(tags=["plant"])


class SiteOut(ModelSchema):
    """A plant site."""

    class Meta:
        model = Site
        fields = ["id", "enterprise", "code", "name_zh", "name_en", "address"]


class SiteCreate(Schema):
    """A new site of an enterprise."""

    enterprise_id: int
    code: str
    name_zh: str
    name_en: str = ""
    address: str = ""


class LineOut(ModelSchema):
    """A clinker production line (kiln)."""

    class Meta:
        model = ProductionLine
        fields = [
            "id",
            "enterprise",
            "site",
            "code",
            "name_zh",
            "design_capacity_t_per_d",
            "clinker_type",
        ]


class SourceOut(ModelSchema):
    """An emission source and its boundary membership."""

    class Meta:
        model = EmissionSource
        fields = [
            "id",
            "enterprise",
            "site",
            "line",
            "kind",
            "code",
            "name_zh",
            "in_clinker_boundary",
            "in_enterprise_boundary",
        ]


class TagOut(ModelSchema):
    """A tag: the key of a time series, with its unit and aggregation."""

    class Meta:
        model = Tag
        fields = [
            "id",
            "enterprise",
            "line",
            "source",
            "code",
            "name_zh",
            "quantity_kind",
            "unit",
            "aggregation",
            "accounting_role",
            "active",
        ]


class LabResultOut(ModelSchema):
    """One parameter of an analysis, with its unit and standard uncertainty."""

    class Meta:
        model = LabResult
        fields = ["id", "parameter", "value", "unit", "standard_uncertainty"]


class LabAnalysisOut(ModelSchema):
    """An analysed sample with its results."""

    results: list[LabResultOut]

    class Meta:
        model = LabAnalysis
        fields = ["id", "enterprise", "line", "sample_id", "material", "sampled_at", "analysed_at"]


class LabResultCreate(Schema):
    """A parameter as submitted."""

    parameter: str
    value: float
    unit: str
    standard_uncertainty: float | None = None


class LabAnalysisCreate(Schema):
    """A new analysis with its results."""

    enterprise_id: int
    line_id: int | None = None
    sample_id: str
    material: str
    sampled_at: datetime
    analysed_at: datetime
    method_standard: str
    results: list[LabResultCreate]


@router.get("/sites", response=list[SiteOut])
@paginate(LimitOffsetPagination)
@api_requires(Action.VIEW)
def list_sites(request: HttpRequest, enterprise_id: int | None = None) -> QuerySet[Site]:
    """Sites the caller sees, optionally of one enterprise."""
    rows = queries.sites(actor_of(request))
    return rows.filter(enterprise_id=enterprise_id) if enterprise_id else rows


@router.get("/sites/{site_id}", response=SiteOut)
@api_requires(Action.VIEW)
def get_site(request: HttpRequest, site_id: int) -> Site:
    """One visible site."""
    return queries.site(actor_of(request), site_id)


@router.post("/sites", response={201: SiteOut})
@api_requires(Action.EDIT_PLANT)
def create_site(request: HttpRequest, payload: SiteCreate) -> Status[Any]:
    """Create a site (enterprise administrators)."""
    return Status(201, services.create_site(actor_of(request), **payload.dict()))


@router.get("/lines", response=list[LineOut])
@paginate(LimitOffsetPagination)
@api_requires(Action.VIEW)
def list_lines(request: HttpRequest, site_id: int | None = None) -> QuerySet[ProductionLine]:
    """Production lines the caller sees, optionally of one site."""
    return queries.lines(actor_of(request), site_id=site_id)


@router.get("/lines/{line_id}", response=LineOut)
@api_requires(Action.VIEW)
def get_line(request: HttpRequest, line_id: int) -> ProductionLine:
    """One visible production line."""
    return queries.line(actor_of(request), line_id)


@router.get("/sources", response=list[SourceOut])
@paginate(LimitOffsetPagination)
@api_requires(Action.VIEW)
def list_sources(
    request: HttpRequest, line_id: int | None = None, boundary: str | None = None
) -> QuerySet[EmissionSource]:
    """Emission sources, optionally of one line or boundary (``clinker``/``enterprise``)."""
    return queries.sources(actor_of(request), line_id=line_id, boundary=boundary)


@router.get("/sources/{source_id}", response=SourceOut)
@api_requires(Action.VIEW)
def get_source(request: HttpRequest, source_id: int) -> EmissionSource:
    """One visible emission source."""
    return queries.source(actor_of(request), source_id)


@router.get("/tags", response=list[TagOut])
@paginate(LimitOffsetPagination)
@api_requires(Action.VIEW)
def list_tags(request: HttpRequest, line_id: int | None = None) -> QuerySet[Tag]:
    """Tags the caller sees, optionally of one line."""
    return queries.tags(actor_of(request), line_id=line_id)


@router.get("/tags/{tag_id}", response=TagOut)
@api_requires(Action.VIEW)
def get_tag(request: HttpRequest, tag_id: int) -> Tag:
    """One visible tag."""
    return queries.tag(actor_of(request), tag_id)


@router.get("/lab-analyses", response=list[LabAnalysisOut])
@paginate(LimitOffsetPagination)
@api_requires(Action.VIEW)
def list_lab_analyses(
    request: HttpRequest, line_id: int | None = None, material: str | None = None
) -> QuerySet[LabAnalysis]:
    """Lab analyses the caller sees, newest first, with their results."""
    rows = queries.lab_analyses(actor_of(request), line_id=line_id, material=material)
    return rows.prefetch_related("results")


@router.get("/lab-analyses/{analysis_id}", response=LabAnalysisOut)
@api_requires(Action.VIEW)
def get_lab_analysis(request: HttpRequest, analysis_id: int) -> LabAnalysis:
    """One visible lab analysis."""
    return queries.lab_analysis(actor_of(request), analysis_id)


@router.post("/lab-analyses", response={201: LabAnalysisOut})
@api_requires(Action.EDIT_LAB)
def create_lab_analysis(request: HttpRequest, payload: LabAnalysisCreate) -> Status[Any]:
    """Record an analysis with its results (laboratory staff)."""
    data = payload.dict()
    results = [lab.ResultInput(**row) for row in data.pop("results")]
    analysis = lab.record_lab_analysis(actor_of(request), results=results, channel="api", **data)
    return Status(201, analysis)
