"""QR codes (segno, inline SVG) and the URLs they hold.

A booking's QR holds the desk URL of that booking: the operator's phone opens it signed
in as operator and checks the resident in with one tap. A venue's poster QR holds the
venue's check-in URL: a resident's phone opens it and checks in (their booking if one is
due, otherwise a walk-in).
"""

from __future__ import annotations

import io

import segno
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str, *, scale: int = 6, title: str = "", fluid: bool = False) -> SafeString:
    """An inline <svg> of ``data`` (dark on white: scanners need the contrast). ``fluid``
    leaves out width and height (segno then adds a viewBox), so CSS sizes it: the poster."""
    out = io.BytesIO()
    segno.make(data, error="m").save(
        out,
        kind="svg",
        scale=scale,
        omitsize=fluid,
        xmldecl=False,
        svgns=True,
        title=title or None,
        svgclass="qr",
        lineclass=None,
        dark="#000",
        light="#fff",
    )
    return mark_safe(out.getvalue().decode())  # noqa: S308 - segno's own markup


def booking_desk_url(request, booking) -> str:
    return request.build_absolute_uri(
        reverse("bookings:desk_booking", kwargs={"public_id": booking.public_id})
    )


def venue_checkin_url(request, venue) -> str:
    return request.build_absolute_uri(
        reverse("bookings:venue_checkin", kwargs={"venue_id": venue.pk})
    )
