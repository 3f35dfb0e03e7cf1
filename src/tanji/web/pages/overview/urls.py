"""URLs of the overview and metering pages (in the ``pages`` namespace)."""

from __future__ import annotations

from django.urls import path

from tanji.web.pages.overview import sources_chart, views

urlpatterns = [
    path("overview/", views.overview, name="overview"),
    path("metering/", views.metering, name="metering"),
    path("metering/chart/", sources_chart.metering_chart, name="metering_chart"),
]
