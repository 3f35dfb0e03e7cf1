"""URLs of the platform's pages (namespace ``pages``), named as the navigation expects."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from tanji.web.pages.generic.urls import resource_urls
from tanji.web.pages.info import views as info
from tanji.web.pages.info.resources import AUDIT, RESOURCES

app_name = "pages"
urlpatterns: list[URLPattern | URLResolver] = [
    path("info/", info.index, name="info"),
    path("info/", include(resource_urls((*RESOURCES, AUDIT), "pages"))),
]
