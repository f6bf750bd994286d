"""What the QR codes open, and the poster that carries the venue's.

- ``desk_booking``: a booking's QR, opened on the operator's phone: the booking and one
  big 签到 button. Anyone but an operator of its venue gets 404, exactly as for an id
  that does not exist (a resident's own QR tells them nothing about the desk).
- ``desk_poster``: a printable A4 page with the venue's QR.
- ``venue_checkin``: the poster's QR, opened on a resident's phone: one big 签到 button
  that checks in their booking due now, or records a walk-in.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from accounts.decorators import resident_gate, staff_login_required
from bookings import desk_words
from bookings.qr import qr_svg, venue_checkin_url
from bookings.selectors.bookings import booking_get
from bookings.selectors.desk import DeskBooking
from bookings.services import checkins
from bookings.states import effective_status
from linli.errors import DomainError, NotFound
from linli.pages import render_region, saved
from spaces.models import Venue
from spaces.operator_views import operator_view

BOOKING_REGION = "desk-booking"
CHECKIN_REGION = "desk-venue-checkin"


@staff_login_required
def desk_booking(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        booking = booking_get(user=request.user, public_id=public_id, as_operator=True)
    except NotFound:
        raise Http404 from None
    url = reverse("bookings:desk_booking", kwargs={"public_id": booking.public_id})

    def page(**extra) -> HttpResponse:
        fresh = booking_get(user=request.user, public_id=booking.public_id, as_operator=True)
        row = DeskBooking(
            fresh, effective_status(fresh, timezone.now()), getattr(fresh, "checkin", None)
        )
        context = {"row": row, "venue": fresh.venue, **extra}
        return render_region(
            request, "bookings/desk/booking.html", context, region_id=BOOKING_REGION
        )

    if request.method != "POST":
        return page()
    try:
        result = checkins.checkin_booking(user=request.user, booking=booking)
    except DomainError as exc:
        return page(desk_error=str(exc.message))
    return saved(request, desk_words.desk_checkin_words(result), url=url, render=page)


@operator_view
def desk_poster(request: HttpRequest, venue: Venue) -> HttpResponse:
    url = venue_checkin_url(request, venue)
    context = {
        "venue": venue,
        "section": "desk",
        "qr": qr_svg(url, scale=10, title=venue.name, fluid=True),
        "checkin_url": url,
    }
    return TemplateResponse(request, "bookings/desk/poster.html", context)


def venue_checkin(request: HttpRequest, venue_id: int) -> HttpResponse:
    # Staff (no phone) who scan the poster are not sent to the residents' consent page:
    # the page shows, and the service's answer says the poster is for residents.
    user = request.user
    if not (user.is_authenticated and not getattr(user, "phone", "")):
        gate = resident_gate(request)
        if gate is not None:
            return gate
    venue = get_object_or_404(Venue, pk=venue_id, is_published=True)
    url = reverse("bookings:venue_checkin", kwargs={"venue_id": venue.pk})

    def page(**extra) -> HttpResponse:
        return render_region(
            request,
            "bookings/desk/venue_checkin.html",
            {"venue": venue, **extra},
            region_id=CHECKIN_REGION,
        )

    if request.method != "POST":
        return page()
    try:
        result = checkins.checkin_walk_in(user=request.user, venue=venue)
    except DomainError as exc:
        return page(checkin_error=str(exc.message))
    return saved(request, desk_words.resident_checkin_words(result), url=url, render=page)
