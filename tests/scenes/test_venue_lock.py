"""Writes that change what is open or scheduled at a venue take the one venue lock
(spaces.locks) before reading what they decide on, so two of them at once never both
pass their checks against the same old state. Each test runs real concurrent writes, in
threads with their own connections, on both databases; a rendezvous between a write's
reads and its checks lets every thread read the old state unless the lock holds them
back, so the tests fail as soon as a write stops taking the lock."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from linli.errors import Conflict, DomainError, NotFound
from scenes.models import Event
from scenes.services import events as event_services
from scenes.services.events import event_publish
from spaces import services as space_services
from spaces.locks import venue_lock
from spaces.models import OpeningHours
from spaces.services import HoursRule, hours_set
from tests.concurrency import pause_before, rendezvous, run_together, writers_queue_db  # noqa: F401
from tests.factories import RoomFactory, UserFactory, VenueFactory, VenueRoleFactory, weekly_hours

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SH)
EVENT_DAY = dt.date(2026, 11, 25)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(EVENT_DAY, dt.time(hour, minute), tzinfo=SH)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def setup():
    venue = VenueFactory(name="五福茶馆")
    room = RoomFactory(venue=venue, name="议事茶亭", capacity=12)
    weekly_hours(venue, dt.time(9), dt.time(21))
    operators = []
    for name in ("op-a", "op-b"):
        user = UserFactory(username=name, is_staff=True)
        VenueRoleFactory(user=user, venue=venue, role="operator")
        operators.append(user)
    return venue, room, operators


def _publish(user, venue, room, title, start, end):
    return lambda: event_publish(
        user=user, venue=venue, room=room, title=title, capacity=10, starts_at=start, ends_at=end
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("writers_queue_db")
def test_two_operators_publishing_overlapping_events_at_once_one_wins(setup, monkeypatch):
    venue, room, (a, b) = setup
    pause_before(monkeypatch, event_services, "_check_occurrence", rendezvous(2))

    errors = run_together(
        _publish(a, venue, room, "品茶议事", at(14), at(16)),
        _publish(b, venue, room, "书法课", at(15), at(17)),
    )

    assert sorted(type(e).__name__ for e in errors) == ["Conflict", "NoneType"]
    [lost] = [e for e in errors if e is not None]
    assert lost.code == "event_overlap"
    assert Event.objects.filter(room=room, status="published").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("writers_queue_db")
def test_shorter_hours_racing_an_event_publish_never_strand_the_event(setup, monkeypatch):
    venue, room, (a, b) = setup
    wait = rendezvous(2)
    pause_before(monkeypatch, event_services, "_check_occurrence", wait)
    pause_before(monkeypatch, space_services, "settle_impact", wait)
    shorter = [HoursRule(day=d, opens=dt.time(9), closes=dt.time(15)) for d in range(7)]

    errors = run_together(
        _publish(a, venue, room, "品茶议事", at(14), at(16)),
        lambda: hours_set(user=b, venue=venue, rules=shorter),
    )

    # Whichever went first, the other saw it: the publish finds the room closed at 15:00,
    # or the hours change finds the published event and asks first.
    publish_error, hours_error = errors
    assert (publish_error is None) != (hours_error is None), errors
    closes = set(OpeningHours.objects.filter(venue=venue).values_list("closes", flat=True))
    published = Event.objects.filter(room=room, status="published").count()
    if publish_error is None:
        assert isinstance(hours_error, Conflict)
        assert hours_error.code == "hours_affect_bookings"
        assert (closes, published) == ({dt.time(21)}, 1)
    else:
        assert isinstance(publish_error, DomainError)
        assert publish_error.code == "outside_opening_hours"
        assert (closes, published) == ({dt.time(15)}, 0)


@pytest.mark.django_db(transaction=True)
def test_the_lock_must_be_taken_inside_a_transaction(setup):
    venue, _room, _ops = setup
    with pytest.raises(RuntimeError):
        venue_lock(venue)
    with transaction.atomic():
        assert venue_lock(venue.pk) == venue
        with pytest.raises(NotFound):
            venue_lock(venue.pk + 1000)
