"""URL patterns of generic resources: list, create, detail and edit per resource."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import URLPattern, path

from tanji.web.pages.generic.resources import Resource
from tanji.web.pages.generic.views import ObjectDetailView, ObjectEditView, ObjectListView


def resource_urls(resources: Iterable[Resource], namespace: str) -> list[URLPattern]:
    """``<slug>/``, ``<slug>/new/``, ``<slug>/<pk>/``, ``<slug>/<pk>/edit/`` for each resource."""
    patterns = []
    for resource in resources:
        bound = {"resource": resource, "namespace": namespace}
        slug = resource.slug
        patterns += [
            path(f"{slug}/", ObjectListView.as_view(**bound), name=f"{slug}_list"),
            path(f"{slug}/<int:pk>/", ObjectDetailView.as_view(**bound), name=f"{slug}_detail"),
        ]
        if resource.create is not None:
            patterns.append(
                path(f"{slug}/new/", ObjectEditView.as_view(**bound), name=f"{slug}_create")
            )
        if resource.update is not None:
            patterns.append(
                path(
                    f"{slug}/<int:pk>/edit/",
                    ObjectEditView.as_view(**bound),
                    name=f"{slug}_edit",
                )
            )
    return patterns
