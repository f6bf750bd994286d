"""Helpers of the desk's page tests (test_desk_views.py, test_desk_forms.py)."""

import re

from django.urls import reverse

from bookings.services.bookings import booking_create
from tests.bookings.conftest import at

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "operate-region"}


def book(user, room, start, end, people=3, purpose="品茶议事"):
    return booking_create(
        user=user, room=room, starts_at=start, ends_at=end, people=people, purpose=purpose
    )


def desk_url(venue, day=None):
    url = reverse("bookings:desk", kwargs={"venue_id": venue.pk})
    return f"{url}?date={day}" if day else url


def text(response) -> str:
    """The page's text without tags, whitespace collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def todays_booking(owner, room):
    """张阿姨's confirmed booking today 10:00-11:00 in 议事茶亭 (check-in from 09:45)."""
    return book(owner, room, at(1, 10), at(1, 11))
