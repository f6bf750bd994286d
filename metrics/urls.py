"""Metrics pages: the public openness page (metrics.public_views) and the operators'
dashboard with its CSV exports (metrics.dashboard_views)."""

from django.urls import path

from linli import converters  # noqa: F401  (registers <id:...>)
from metrics import dashboard_views, public_views

app_name = "metrics"
urlpatterns: list = [
    path("venues/<id:venue_id>/openness/", public_views.openness_page, name="openness"),
    path("operate/metrics/", dashboard_views.dashboard, name="dashboard"),
    path("operate/metrics/csv/<slug:name>/", dashboard_views.table_csv, name="csv"),
    path(
        "operate/venues/<id:venue_id>/metrics/",
        dashboard_views.venue_dashboard,
        name="venue-dashboard",
    ),
]
