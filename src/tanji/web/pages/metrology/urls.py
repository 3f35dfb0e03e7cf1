"""URLs of the metrology pages (namespace ``metrology``; the navigation links them by name)."""

from __future__ import annotations

from django.urls import include, path

from tanji.web.pages.generic.urls import resource_urls
from tanji.web.pages.metrology import views
from tanji.web.pages.metrology.resources import RESOURCES

app_name = "metrology"
urlpatterns = [
    path("diagram/", views.diagram, name="diagram"),
    path("ledger/", views.ledger, name="ledger"),
    path("calibration/", views.calibration, name="calibration"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:review_id>/", views.review, name="review"),
    path(
        "records/reviewer-qualifications/<int:pk>/expire/",
        views.expire_qualification,
        name="reviewer-qualifications_expire",
    ),
    path("records/", include(resource_urls(RESOURCES, "metrology"))),
]
