"""URLs of the platform's pages (namespace ``pages``), named as the navigation expects."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from tanji.web.pages.analytics.urls import urlpatterns as analytics
from tanji.web.pages.generic.urls import resource_urls
from tanji.web.pages.info import members, views as info
from tanji.web.pages.info.resources import AUDIT, RESOURCES
from tanji.web.pages.materials.urls import urlpatterns as materials
from tanji.web.pages.overview.urls import urlpatterns as overview
from tanji.web.pages.province.urls import urlpatterns as province
from tanji.web.pages.reports.urls import urlpatterns as reports

app_name = "pages"
urlpatterns: list[URLPattern | URLResolver] = [
    path("info/", info.index, name="info"),
    path("info/users/<int:pk>/grant/", members.grant, name="users_grant"),
    path("info/memberships/<int:pk>/revoke/", members.revoke, name="membership_revoke"),
    *materials,
    *province,
    *overview,
    *reports,
    *analytics,
    path("info/", include(resource_urls((*RESOURCES, AUDIT), "pages"))),
]
