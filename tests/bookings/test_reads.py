"""bookings.services.reads: each hand-written read selects what its ORM query selects."""

from __future__ import annotations

import pytest

from bookings import rules
from bookings.models import HOLDING, Booking, Status, Visitor
from bookings.services import reads
from bookings.services.bookings import booking_create
from bookings.visitors import visitor_key
from scenes.models import Event
from tests.bookings.conftest import at
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def book(user, room, start, end):
    return booking_create(
        user=user, room=room, starts_at=start, ends_at=end, people=2, purpose="议事"
    )


@pytest.fixture
def booked(frozen, scenes, room, owner, other_resident):
    """Bookings around 2 Dec 10:00-12:00 in every recorded state, one of them lapsed."""
    mine = [book(owner, room, at(2, h), at(2, h + 1)) for h in (10, 11)]
    theirs = book(other_resident, room, at(2, 12), at(2, 13))
    Booking.objects.filter(pk=theirs.pk).update(status=Status.CANCELLED)
    Booking.objects.filter(pk=mine[1].pk).update(status=Status.PENDING)
    Booking.objects.filter(pk=mine[0].pk).update(checkin_closes_at=at(1, 7))  # lapsed
    return mine


def before(owner, room, start, end, *, active=True):
    from django.utils import timezone

    return reads.before_insert(
        user_id=owner.pk,
        room_id=room.pk,
        starts_at=start,
        ends_at=end,
        now=timezone.now(),
        active=active,
    )


def test_the_claims_read_before_an_insert_are_the_orms(booked, room, venue, owner):
    start, end = at(2, 9), at(2, 13)
    found = before(owner, room, start, end)
    expected = Booking.objects.filter(
        rules.overlapping(start, end), room=room, status__in=HOLDING
    ).values_list("pk", "status", "checkin_closes_at")
    assert sorted(tuple(r) for r in found.recorded) == sorted(expected)
    assert len(found.recorded) == 2 and found.event is False
    Event.objects.create(
        venue=venue,
        room=room,
        title="讲座",
        capacity=10,
        starts_at=at(2, 12, 30),
        ends_at=at(2, 14),
        status=Event.Status.PUBLISHED,
    )
    assert before(owner, room, start, end).event is True
    quiet = before(owner, room, at(2, 9), at(2, 10))
    assert (quiet.recorded, quiet.event) == ([], False)


def test_active_scenes_are_the_orms(booked, owner, room, frozen):
    from django.utils import timezone

    now = timezone.now()
    expected = Booking.objects.filter(
        resident=owner,
        group__isnull=True,
        status__in=(Status.PENDING, Status.CONFIRMED),
        checkin_closes_at__gt=now,
        ends_at__gt=now,
    ).values_list("scene_id", flat=True)
    assert reads.active_scene_ids(owner.pk, now) == list(expected)
    assert len(expected) == 1
    # The same, read with the claims before an insert (or not at all).
    assert before(owner, room, at(2, 9), at(2, 10)).active == list(expected)
    assert before(owner, room, at(2, 9), at(2, 10), active=False).active is None


def test_the_visitor_key_read_before_an_insert(booked, owner, room):
    fresh = ResidentFactory()
    assert before(fresh, room, at(2, 9), at(2, 10)).visitor is None  # no booking yet
    key = visitor_key(owner)
    assert before(owner, room, at(2, 9), at(2, 10)).visitor == key
    # Told it is missing, it is created at once; a concurrent first booking's row wins.
    made = reads.visitor_key(fresh, missing=True)
    assert Visitor.objects.get(user=fresh).key == made
    assert reads.visitor_key(owner, missing=True) == key


def test_the_visitor_key(owner):
    fresh = ResidentFactory()
    key = reads.visitor_key(fresh)  # created on first use
    assert key == Visitor.objects.get(user=fresh).key == reads.visitor_key(fresh)
    assert key == visitor_key(fresh)


def test_a_visitor_key_created_meanwhile_is_the_one_returned(owner, monkeypatch):
    # Another first booking of the same resident committed between the look-up and the
    # insert: the unique user refuses the second row and the first one's key is kept.
    existing = visitor_key(owner)
    real_one = reads.one
    calls = []

    def first_misses(sql, params):
        calls.append(sql)
        return None if len(calls) == 1 else real_one(sql, params)

    monkeypatch.setattr(reads, "one", first_misses)
    assert reads.visitor_key(owner) == existing
    assert Visitor.objects.filter(user=owner).count() == 1
