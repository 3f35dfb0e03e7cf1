"""Plain Django views over the metrology services and queries (no logic of their own).

Every view builds the actor from the request, reads through ``metrology.queries`` and writes
through the services; a refused write (any :class:`~tanji.errors.CodedError`) comes back as a
message naming the field, and the page is shown again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tanji.emissions.choices import QualityChoices
from tanji.emissions.instruments import DOUBTFUL_STATES
from tanji.errors import CodedError
from tanji.metrology import (
    charts,
    compliance,
    exchange,
    ledger as ledger_services,
    ledger_xlsx,
    personnel,
    queries,
    reviews as review_services,
)
from tanji.metrology.choices import REVIEW_TRANSITIONS, TagStateChoices
from tanji.plant import queries as plant_queries
from tanji.tenancy.actor import Actor
from tanji.web.error_messages import translate
from tanji.web.pages.metrology import forms


def _run(request: HttpRequest, action: Callable[[], Any], done: Any) -> bool:
    try:
        action()
    except CodedError as error:
        messages.error(request, str(error))
        return False
    messages.success(request, done)
    return True


def _enterprise_id(actor: Actor, request: HttpRequest) -> int | None:
    enterprises = queries.instruments(actor).values_list("enterprise_id", flat=True)
    chosen = request.GET.get("enterprise")
    if chosen and chosen.isdigit():
        return int(chosen)
    first = plant_queries.sites(actor).values_list("enterprise_id", flat=True).first()
    return first or enterprises.first()


def _placed(request: HttpRequest, actor: Actor, form: forms.PlaceInstrumentForm | None) -> bool:
    if form is None or request.method != "POST" or not form.is_valid():
        return False
    return _run(request, lambda: form.save(actor), _("Saved."))


@login_required
def diagram(request: HttpRequest) -> HttpResponse:
    """The carbon-flow diagram with instruments and their state; place and link instruments."""
    actor = Actor.for_request(request)
    diagrams = plant_queries.diagrams(actor)
    chosen = request.GET.get("diagram")
    current = diagrams.filter(pk=chosen).first() if chosen else diagrams.first()
    form = forms.PlaceInstrumentForm(actor, current, request.POST or None) if current else None
    if _placed(request, actor, form):
        return redirect(f"{request.path}?diagram={current.pk if current else ''}")
    option = None
    if current is not None:
        document = exchange.export_diagram(actor, current.pk)
        at = _as_of(request)
        states = {s.code: s.state for s in queries.instrument_states(actor, at)}
        option = json.dumps(charts.graph_option(document, None, states), ensure_ascii=False)
    context = {"diagrams": diagrams, "current": current, "option": option, "form": form}
    return render(request, "metrology/diagram.html", context)


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    """The ledger with GB 17167 compliance; Excel export; year-end snapshot and submission."""
    actor = Actor.for_request(request)
    enterprise_id = _enterprise_id(actor, request)
    year = int(request.POST.get("year") or request.GET.get("year") or timezone.now().year)
    if request.GET.get("format") == "xlsx" and enterprise_id is not None:
        body = ledger_xlsx.export_ledger_xlsx(actor, enterprise_id, year)
        response = HttpResponse(
            body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="ledger-{year}.xlsx"'
        return response
    if request.method == "POST" and enterprise_id is not None:

        def submit() -> None:
            snap = ledger_services.take_ledger_snapshot(
                actor, enterprise_id=enterprise_id, year=year
            )
            review_services.submit_ledger_update(actor, snap.pk)

        if _run(request, submit, _("Submitted for review.")):
            return redirect("metrology:reviews")
    rows = (
        queries.instruments(actor).filter(enterprise_id=enterprise_id or 0).select_related("point")
    )
    result = compliance.compliance(actor, enterprise_id) if enterprise_id else None
    return render(
        request, "metrology/ledger.html", {"rows": rows, "compliance": result, "year": year}
    )


def _as_of(request: HttpRequest) -> date:
    """The day the page is shown for: ``?at=YYYY-MM-DD`` (what-if / look-back), else today."""
    try:
        return date.fromisoformat(request.GET.get("at", ""))
    except ValueError:
        return timezone.localdate()


def _tag_marks(actor: Actor, at: date) -> list[dict[str, Any]]:
    """Each linked tag's metrology state at ``at`` and the quality mark its data then carries."""
    tags = {t.pk: t for t in plant_queries.tags(actor).filter(instruments__isnull=False).distinct()}
    statuses = queries.tag_metrology_status(actor, list(tags), at)
    return [
        {
            "tag": tags[tag_id],
            "state": status.state,
            "label": TagStateChoices(status.state).label,
            "mark": QualityChoices.OVERDUE_INSTRUMENT.label
            if status.state in DOUBTFUL_STATES
            else QualityChoices.COMPLETE.label,
        }
        for tag_id, status in sorted(statuses.items(), key=lambda item: tags[item[0]].code)
    ]


@login_required
def calibration(request: HttpRequest) -> HttpResponse:
    """Due and overdue instruments and the data they mark; certificates and plans entered."""
    actor = Actor.for_request(request)
    at = _as_of(request)
    plan = forms.PlanForm(actor, request.POST if request.POST.get("form") == "plan" else None)
    planned = plan.is_bound and plan.is_valid()
    if planned and _run(request, lambda: plan.save(actor), _("Plan saved.")):
        return redirect("metrology:calibration")
    posted = request.POST if request.POST.get("form") == "certificate" else None
    form = forms.CertificateForm(actor, posted, request.FILES or None)
    saved = posted is not None and form.is_valid()
    if saved and _run(request, lambda: form.save(actor), _("Certificate recorded.")):
        return redirect("metrology:calibration")
    labels = dict(TagStateChoices.choices)
    context = {
        "states": [(s, labels.get(s.state, s.state)) for s in queries.instrument_states(actor, at)],
        "due": [(d, labels.get(d.state, d.state)) for d in queries.calibrations_due(actor, at, 30)],
        "certificates": queries.certificates(actor)[:50],
        "marks": _tag_marks(actor, at),
        "form": form,
        "plan_form": plan,
        "today": at,
    }
    return render(request, "metrology/calibration.html", context)


@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    """Reviews of the visible enterprises."""
    actor = Actor.for_request(request)
    return render(request, "metrology/reviews.html", {"reviews": queries.reviews(actor)})


@login_required
def review(request: HttpRequest, review_id: int) -> HttpResponse:
    """One review: checks, findings, history; the transitions open to the viewer."""
    actor = Actor.for_request(request)
    try:
        item = queries.review(actor, review_id)
    except CodedError:
        return HttpResponse(status=404)
    findings = list(queries.review_findings(actor, review_id=item.pk))
    if request.method == "POST":
        action = request.POST.get("action", "")
        new = (
            [
                review_services.FindingInput(
                    request.POST.get("clause", ""), request.POST.get("finding", "")
                )
            ]
            if request.POST.get("finding")
            else []
        )
        responses = {f.pk: request.POST.get(f"response-{f.pk}", "") for f in findings}
        if _run(
            request,
            lambda: review_services.transition(
                actor,
                item.pk,
                action,
                note=request.POST.get("note", ""),
                findings=new,
                responses=responses,
            ),
            action,
        ):
            return redirect("metrology:review", review_id=item.pk)
    actions = sorted(a for (s, a) in REVIEW_TRANSITIONS if s == item.state)
    return render(
        request,
        "metrology/review.html",
        {"review": item, "findings": findings, "actions": actions, "events": item.events.all()},
    )


@login_required
@require_POST
def expire_qualification(request: HttpRequest, pk: int) -> HttpResponse:
    """End a reviewer qualification today (platform operators; the service checks)."""
    actor = Actor.for_request(request)
    try:
        row = personnel.expire_reviewer_qualification(actor, pk)
    except CodedError as error:
        if error.code in ("tenancy.not_found", "tenancy.access_denied"):
            return HttpResponse(status=404)
        messages.error(request, translate(error))
    else:
        messages.success(request, _("Qualification %(number)s has ended.") % {"number": row.number})
    return redirect("metrology:reviewer-qualifications_detail", pk=pk)
