"""The information-management index: one card per resource the actor may open."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from tanji.tenancy.permissions import Action
from tanji.web.access import actor_of, may, requires
from tanji.web.pages.info.resources import AUDIT, RESOURCES


@requires(Action.VIEW)
def index(request: HttpRequest) -> HttpResponse:
    """Links to every information-management list, with how many rows the actor sees."""
    actor = actor_of(request)
    visible = [r for r in (*RESOURCES, AUDIT) if may(actor, r.view_action)]
    cards = [(r.label, reverse(f"pages:{r.slug}_list"), r.rows(actor).count()) for r in visible]
    return render(request, "web/info/index.html", {"cards": cards})
