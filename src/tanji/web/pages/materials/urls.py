"""URLs of the materials pages (in the ``pages`` namespace)."""

from __future__ import annotations

from django.urls import path

from tanji.web.pages.materials import views

urlpatterns = [
    path("materials/", views.index, name="materials"),
    path("materials/new/", views.enter, name="materials_enter"),
    path("materials/import/", views.upload, name="materials_import"),
]
