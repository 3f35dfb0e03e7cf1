"""URLs of the reports page (in the ``pages`` namespace)."""

from __future__ import annotations

from django.urls import path

from tanji.web.pages.reports import views

urlpatterns = [path("reports/", views.reports, name="reports")]
