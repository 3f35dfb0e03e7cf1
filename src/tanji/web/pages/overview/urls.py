"""URLs of the overview and metering pages (in the ``pages`` namespace)."""

from __future__ import annotations

from django.urls import path

from tanji.web.pages.overview import views

urlpatterns = [
    path("overview/", views.overview, name="overview"),
    path("metering/", views.metering, name="metering"),
]
