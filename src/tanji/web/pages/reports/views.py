"""The reports page: upload a period's activity file, get both boundaries with ±U (k=2).

The figures are :func:`tanji.accounting.period.evaluate_period` over the packaged factor
library (GB/T 32151.8-2023 formulas, first-order GUM uncertainty per JJF 1059.1); nothing is
stored, so the page is open to every signed-in role.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from tanji.accounting.activity import load_activity
from tanji.accounting.factors import load_library
from tanji.accounting.period import PeriodResult, evaluate_period
from tanji.errors import CodedError
from tanji.tenancy.permissions import Action
from tanji.web.access import requires
from tanji.web.error_messages import translate
from tanji.web.forms import StyledForm
from tanji.web.pages.reports.charts import category_bars
from tanji.web.pages.reports.labels import BOUNDARIES, CATEGORIES, METHODS, label

COVERAGE_K = 2.0
SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")


class ActivityForm(StyledForm):
    """The activity file of one reporting period."""

    file = forms.FileField(
        label=_("Activity file"), help_text=_("tanji-activity/1 as YAML, JSON or Excel (.xlsx).")
    )


def evaluate_upload(upload: Any) -> PeriodResult:
    """Write the upload to a temporary file (the loader reads paths) and evaluate it."""
    suffix = Path(upload.name).suffix.lower()
    if suffix not in SUFFIXES:
        raise CodedError("web.import_format", "not a YAML, JSON or .xlsx file")
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"activity{suffix}"
        path.write_bytes(upload.read())
        return evaluate_period(load_activity(path), load_library())


def report_context(result: PeriodResult) -> dict[str, Any]:
    """Boundaries and sources with U = k·u, and the category chart."""
    boundaries = [
        {
            "name": b.value,
            "co2_t": r.co2_t,
            "u": r.u_co2_t,
            "intensity": r.intensity_tco2_per_t,
            "u_intensity": r.u_intensity_tco2_per_t,
        }
        for b, r in result.boundaries.items()
    ]
    sources = [
        {
            "name": s.name,
            "category": label(CATEGORIES, s.category),
            "method": label(METHODS, s.method),
            "boundaries": [label(BOUNDARIES, b) for b in sorted(s.boundaries)],
            "co2_t": s.co2_t,
            "u": s.u_co2_t,
        }
        for s in result.sources
    ]
    return {
        "result": result,
        "boundaries": boundaries,
        "sources": sources,
        "chart": category_bars(result),
    }


@requires(Action.VIEW)
def reports(request: HttpRequest) -> HttpResponse:
    """The upload form, and the evaluated period when a file was posted."""
    form = ActivityForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            context |= report_context(evaluate_upload(form.cleaned_data["file"]))
        except CodedError as error:
            form.add_error("file", translate(error))
    return render(request, "web/reports/reports.html", context, status=400 if form.errors else 200)
