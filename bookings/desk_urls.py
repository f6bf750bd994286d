"""The operator desk's pages (filled in by the desk work).

``desk_booking`` (what a booking's QR opens) and ``venue_checkin`` (what a venue's
poster QR opens) are fixed names: bookings.qr builds the QR codes from them.
"""

from django.http import Http404
from django.urls import path


def _not_yet(request, **kwargs):
    raise Http404


urlpatterns: list = [
    path("desk/bookings/<str:public_id>/", _not_yet, name="desk_booking"),
    path("venues/<id:venue_id>/checkin/", _not_yet, name="venue_checkin"),
]
