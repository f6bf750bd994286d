"""A resident's bookings, check-ins and ratings: exactly in their data download; when the
account is deleted, future slots are freed and the visit records stay for the metrics
(counts, visitors) without pointing to anybody."""

import pytest

from accounts import personal_data
from accounts.services import account_delete
from bookings.models import Booking, CheckIn, IdempotentRequest, Rating, Status, Visitor
from bookings.services.bookings import booking_create
from bookings.services.checkins import (
    booking_record_payment,
    checkin_booking,
    checkin_walk_in,
    rating_create,
)
from tests.bookings.conftest import at

pytestmark = pytest.mark.django_db


def book(user, room, start, end, purpose="合唱排练"):
    return booking_create(
        user=user, room=room, starts_at=start, ends_at=end, people=3, purpose=purpose
    )


@pytest.fixture
def history(frozen, scenes, venue, room, owner, other_resident, operator):
    """Tuesday evening the owner came for a paid booking and rated it; Wednesday morning
    they walked in; Thursday's booking is still to come. The neighbour has one too."""
    evening = book(owner, room, at(1, 18), at(1, 19), purpose="象棋比赛")
    coming = book(owner, room, at(3, 10), at(3, 11))
    neighbours = book(other_resident, room, at(3, 11), at(3, 12))
    frozen.move_to(at(1, 18, 5))
    checkin_booking(user=operator, booking=evening)
    booking_record_payment(user=operator, booking=evening, method="wechat")
    frozen.move_to(at(2, 10))
    checkin_walk_in(user=owner, venue=venue)
    checkin_walk_in(user=other_resident, venue=venue)
    rating_create(user=owner, venue=venue, local_date=at(1, 0).date(), score=5, comment="茶很好")
    IdempotentRequest.objects.create(
        user=owner, key="k-1", fingerprint="f" * 64, status=201, body={"id": coming.public_id}
    )
    evening.refresh_from_db()
    return evening, coming, neighbours


def section(user, name):
    return next(s for s in personal_data.sections() if s.name == name).export(user)


def test_the_export_holds_bookings_check_ins_and_ratings(history, owner):
    evening, coming, _neighbours = history
    assert section(owner, "bookings") == [
        {
            "booking_id": evening.public_id,
            "venue": "五福茶馆",
            "room": "议事茶亭",
            "starts_at": at(1, 18),
            "ends_at": at(1, 19),
            "status": "completed",
            "people": 3,
            "purpose": "象棋比赛",
            "group": None,
            "price_fen": 2000,
            "paid_fen": 2000,
            "payment_method": "wechat",
            "paid_at": at(1, 18, 5),
            "booked_at": at(1, 8),
            "cancelled_at": None,
            "reason": "",
        },
        {
            "booking_id": coming.public_id,
            "venue": "五福茶馆",
            "room": "议事茶亭",
            "starts_at": at(3, 10),
            "ends_at": at(3, 11),
            "status": "confirmed",
            "people": 3,
            "purpose": "合唱排练",
            "group": None,
            "price_fen": 0,
            "paid_fen": None,
            "payment_method": "",
            "paid_at": None,
            "booked_at": at(1, 8),
            "cancelled_at": None,
            "reason": "",
        },
    ]
    assert section(owner, "check_ins") == [
        {
            "venue": "五福茶馆",
            "room": "议事茶亭",
            "at": at(1, 18, 5),
            "kind": "booking",
            "booking_id": evening.public_id,
            "event": None,
        },
        {
            "venue": "五福茶馆",
            "room": None,
            "at": at(2, 10),
            "kind": "walk_in",
            "booking_id": None,
            "event": None,
        },
    ]
    assert section(owner, "ratings") == [
        {
            "venue": "五福茶馆",
            "date": at(1, 0).date(),
            "score": 5,
            "comment": "茶很好",
            "rated_at": at(2, 10),
        }
    ]
    assert personal_data.holds_data(user=owner)


def test_the_export_is_empty_for_someone_who_never_booked(db, operator):
    assert [section(operator, n) for n in ("bookings", "check_ins", "ratings")] == [[], [], []]


def test_deleting_the_account_keeps_the_counts_and_links_nobody(
    history, owner, other_resident, room
):
    evening, coming, neighbours = history
    before = (
        Booking.objects.count(),
        CheckIn.objects.count(),
        Rating.objects.count(),
        CheckIn.objects.values("visitor").distinct().count(),
    )
    owner_pk, owner_key = owner.pk, Visitor.objects.get(user=owner).key

    account_delete(user=owner)

    assert before == (
        Booking.objects.count(),
        CheckIn.objects.count(),
        Rating.objects.count(),
        CheckIn.objects.values("visitor").distinct().count(),
    )
    assert not Booking.objects.filter(resident_id=owner_pk).exists()
    assert not CheckIn.objects.filter(resident_id=owner_pk).exists()
    assert not Rating.objects.filter(resident_id=owner_pk).exists()
    assert not IdempotentRequest.objects.filter(user_id=owner_pk).exists()
    assert not Visitor.objects.filter(key=owner_key).exists()
    # The past booking keeps what metrics read, not what the resident wrote.
    evening.refresh_from_db()
    assert (evening.status, evening.purpose, evening.people, evening.price_fen) == (
        Status.CHECKED_IN,
        "",
        3,
        2000,
    )
    assert (evening.starts_at, evening.ends_at, evening.visitor) == (
        at(1, 18),
        at(1, 19),
        owner_key,
    )
    assert CheckIn.objects.filter(visitor=owner_key).count() == 2
    rating = Rating.objects.get(visitor=owner_key)
    assert (rating.score, rating.comment, rating.resident_id) == (5, "", None)
    # Thursday's booking is cancelled and its slot is free for a neighbour at once.
    coming.refresh_from_db()
    assert (coming.status, coming.purpose, coming.resident_id) == (Status.CANCELLED, "", None)
    assert coming.cancelled_at == at(2, 10)
    again = book(other_resident, room, at(3, 10), at(3, 11))
    assert again.status == Status.CONFIRMED
    neighbours.refresh_from_db()
    assert (neighbours.status, neighbours.purpose) == (Status.CONFIRMED, "合唱排练")
