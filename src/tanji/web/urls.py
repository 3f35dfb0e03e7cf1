"""The URL map; each page group and the API add their include here."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView

from tanji.web import views
from tanji.web.api.site import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("demo/progress", views.demo_progress, name="demo_progress"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("metrology/", include("tanji.web.pages.metrology.urls")),
    path("account/", include("tanji.web.pages.account.urls")),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs"), name="api_docs"),
    path("", include("tanji.web.pages.urls")),
]
