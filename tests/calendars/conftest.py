"""The model case for calendars: 五福茶馆 open 09:00-21:00, a public scene 09:00-18:00 and a
commercial one 18:00-21:00, the clock frozen on Tuesday 2026-12-01 08:00 in Shanghai (the
bookings tests' case), plus events, bookings and a group."""

import datetime as dt

import icalendar
import pytest
from django.test import Client

from scenes.models import Event, EventRegistration
from tests.bookings.conftest import NOW, SH, at, choir, frozen, scenes  # noqa: F401
from tests.factories import make_booking

__all__ = ["NOW", "SH", "at", "make_event", "parse", "vevents", "by_uid"]


def make_event(room, start, *, hours=1, title="书法课", status="published", **fields):
    return Event.objects.create(
        venue=room.venue,
        room=room,
        title=title,
        description=fields.pop("description", "带上毛笔。"),
        capacity=fields.pop("capacity", 10),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        status=status,
        **fields,
    )


def register(event, resident, status="registered"):
    return EventRegistration.objects.create(event=event, resident=resident, status=status)


def parse(body: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(body)


def vevents(body: bytes) -> list:
    return list(parse(body).walk("VEVENT"))


def by_uid(body: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in vevents(body)}


@pytest.fixture
def feed_client():
    """A calendar app: no cookies, no session."""
    return Client()


@pytest.fixture
def booked(frozen, scenes, room, owner):  # noqa: F811
    """The owner's confirmed booking on Thursday 3 December 10:00-11:00."""
    return make_booking(room, at(3, 10), resident=owner, code="482913", purpose="下象棋")
