"""Metrics pages: the public openness page (metrics.public_views)."""

from django.urls import path

from linli import converters  # noqa: F401  (registers <id:...>)
from metrics import public_views

app_name = "metrics"
urlpatterns: list = [
    path("venues/<id:venue_id>/openness/", public_views.openness_page, name="openness"),
]
