"""URLs of the province pages (in the ``pages`` namespace)."""

from __future__ import annotations

from django.urls import path

from tanji.web.pages.province import views

urlpatterns = [
    path("province/", views.index, name="province"),
    path("province/enterprises/<int:pk>/", views.enterprise, name="province_enterprise"),
]
