"""URLs of the metrology pages (namespace ``metrology``; the navigation links them by name)."""

from __future__ import annotations

from django.urls import path

from tanji.web.pages.metrology import views

app_name = "metrology"
urlpatterns = [
    path("diagram/", views.diagram, name="diagram"),
    path("ledger/", views.ledger, name="ledger"),
    path("calibration/", views.calibration, name="calibration"),
    path("personnel/", views.personnel, name="personnel"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:review_id>/", views.review, name="review"),
]
