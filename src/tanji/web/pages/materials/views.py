"""The materials page: history of lab analyses with charts, hand entry, and file import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tanji.errors import CodedError
from tanji.evidence import queries as evidence_queries
from tanji.plant import lab, queries as plant_queries
from tanji.plant.choices import MaterialChoices
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.permissions import Action
from tanji.web.access import actor_of, may, requires
from tanji.web.forms import add_service_error
from tanji.web.pages.materials.charts import CHARTED, material_charts
from tanji.web.pages.materials.forms import ENTRY_PARAMETERS, AnalysisForm, ImportForm
from tanji.web.pages.materials.importer import import_analyses

#: Samples charted (the newest); the history table pages through all of them.
CHART_SAMPLES = 500


@requires(Action.VIEW)
def index(request: HttpRequest) -> HttpResponse:
    """History table (with ±U) and the NCV / carbon content / CaO / MgO charts."""
    actor = actor_of(request)
    material = request.GET.get("material") or None
    if material not in MaterialChoices.values:
        material = None
    analyses = plant_queries.lab_analyses(actor, material=material).select_related("line")
    page = Paginator(analyses.prefetch_related("results"), 25).get_page(request.GET.get("page"))
    recent_ids = list(analyses.values_list("pk", flat=True)[:CHART_SAMPLES])
    results = list(
        plant_queries.lab_results(actor)
        .filter(analysis_id__in=recent_ids, parameter__in=list(CHARTED))
        .select_related("analysis")
    )
    context = {
        "page": page,
        "signed": evidence_queries.user_signed_analyses(actor, [a.pk for a in page]),
        "charts": material_charts(results),
        "material": material or "",
        "materials": MaterialChoices.choices,
        "can_edit": may(actor, Action.EDIT_LAB),
    }
    return render(request, "web/materials/index.html", context)


def _scope(form: Any, actor: Actor) -> None:
    form.fields["enterprise"].queryset = tenancy_queries.enterprises(actor)
    if "line" in form.fields:
        form.fields["line"].queryset = plant_queries.lines(actor)


def _results(data: dict[str, Any]) -> list[lab.ResultInput]:
    return [
        lab.ResultInput(parameter, data[name], unit, data.get(f"{name}_u"))
        for name, (parameter, unit, _label) in ENTRY_PARAMETERS.items()
        if data.get(name) is not None
    ]


@requires(Action.EDIT_LAB)
def enter(request: HttpRequest) -> HttpResponse:
    """Enter one analysis by hand."""
    actor = actor_of(request)
    form = AnalysisForm(request.POST or None)
    _scope(form, actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lab.record_lab_analysis(
                actor,
                enterprise_id=data["enterprise"].pk,
                line_id=data["line"].pk if data["line"] else None,
                sample_id=data["sample_id"],
                material=data["material"],
                sampled_at=data["sampled_at"],
                analysed_at=data["analysed_at"],
                method_standard=data["method_standard"],
                results=_results(data),
            )
        except CodedError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The analysis was recorded."))
            return redirect("pages:materials")
    status = 400 if form.errors else 200
    return render(request, "web/materials/enter.html", {"form": form}, status=status)


@requires(Action.EDIT_LAB)
def upload(request: HttpRequest) -> HttpResponse:
    """Import a CSV/Excel file; show the rows refused and keep the good ones."""
    actor = actor_of(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    _scope(form, actor)
    report = None
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        report = import_analyses(actor, form.cleaned_data["enterprise"].pk, file, file.name)
    return render(request, "web/materials/import.html", {"form": form, "report": report})
