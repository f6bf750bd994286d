"""The operator's ledger upload (bookings.ledger_views)."""

from django.urls import path

from bookings import ledger_views
from linli import converters  # noqa: F401  (registers <id:...>)

urlpatterns: list = [
    path("operate/venues/<id:venue_id>/ledger/", ledger_views.ledger, name="ledger"),
    path(
        "operate/venues/<id:venue_id>/ledger/template.csv",
        ledger_views.ledger_template,
        name="ledger-template",
    ),
]
