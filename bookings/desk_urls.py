"""The operator desk's pages (bookings.desk_views, bookings.desk_scan_views).

``desk_booking`` (what a booking's QR opens) and ``venue_checkin`` (what a venue's
poster QR opens) are fixed names: bookings.qr builds the QR codes from them.
"""

from django.urls import path

from bookings import desk_scan_views, desk_views
from linli import converters  # noqa: F401  (registers <id:...>)

urlpatterns: list = [
    path("operate/venues/<id:venue_id>/desk/", desk_views.desk, name="desk"),
    path(
        "operate/venues/<id:venue_id>/desk/poster/",
        desk_scan_views.desk_poster,
        name="desk-poster",
    ),
    path("desk/bookings/<str:public_id>/", desk_scan_views.desk_booking, name="desk_booking"),
    path("venues/<id:venue_id>/checkin/", desk_scan_views.venue_checkin, name="venue_checkin"),
]
