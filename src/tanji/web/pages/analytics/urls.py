"""URLs of the data-analysis page (in the ``pages`` namespace)."""

from __future__ import annotations

from django.urls import path

from tanji.web.pages.analytics import views

urlpatterns = [path("analytics/", views.analytics, name="analytics")]
