import datetime as dt
from unittest import mock

import pytest
from django.db import IntegrityError

from bookings.models import Booking, Status
from bookings.selectors.availability import room_availability
from bookings.services.bookings import booking_cancel, booking_create
from bookings.visitors import visitor_key
from linli.errors import Conflict, DomainError, NotFound
from tests.bookings.conftest import at
from tests.factories import make_scene

pytestmark = pytest.mark.django_db


def book(user, room, start, end, people=2, **kw):
    return booking_create(
        user=user, room=room, starts_at=start, ends_at=end, people=people, purpose="合唱排练", **kw
    )


def test_a_free_public_slot_is_confirmed_at_once(frozen, scenes, owner, room):
    booking = book(owner, room, at(2, 10), at(2, 11))
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED
    assert booking.price_fen == 0
    assert booking.local_date == dt.date(2026, 12, 2)
    assert len(booking.code) == 6


def test_a_desk_code_taken_that_day_is_drawn_again(frozen, scenes, owner, other_resident, room):
    draws = iter([123456, 123456, 654321])
    with mock.patch("secrets.randbelow", lambda _n: next(draws)):
        first = book(owner, room, at(2, 10), at(2, 11))
        second = book(other_resident, room, at(2, 11), at(2, 12))
    assert (first.code, second.code) == ("123456", "654321")
    assert sorted(Booking.objects.values_list("code", flat=True)) == ["123456", "654321"]


def test_a_day_whose_codes_keep_being_taken_fails_without_writing(
    frozen, scenes, owner, other_resident, room
):
    with mock.patch("secrets.randbelow", lambda _n: 7):
        book(owner, room, at(2, 10), at(2, 11))
        with pytest.raises(IntegrityError, match="no free desk code"):
            book(other_resident, room, at(2, 11), at(2, 12))
    assert list(Booking.objects.values_list("resident", flat=True)) == [owner.pk]


def test_the_same_code_on_another_day_is_kept(frozen, scenes, owner, room):
    with mock.patch("secrets.randbelow", lambda _n: 42):
        first = book(owner, room, at(2, 10), at(2, 11))
        second = book(owner, room, at(3, 10), at(3, 11))
    assert first.code == second.code == "000042"


def test_a_resident_books_public_time_in_five_queries(
    frozen, scenes, owner, other_resident, room, django_assert_num_queries
):
    book(other_resident, room, at(2, 9), at(2, 10))  # the venue's schedule is now cached
    visitor_key(owner)
    # The venue lock with the room under it (one statement); the resident's active
    # bookings, the room's bookings over the slot (holding or lapsed), published events
    # over it and the visitor key (one statement: reads.before_insert); the insert (no
    # savepoint around it: linli.rows.insert skips a conflict instead of failing); and
    # the savepoint around the whole (the test's transaction is outside it).
    with django_assert_num_queries(5):
        book(owner, room, at(2, 10), at(2, 11))


def test_commercial_time_is_priced_by_the_server(frozen, scenes, owner, room):
    booking = book(owner, room, at(2, 18), at(2, 19, 30))
    assert booking.price_fen == 3000


def test_overlap_is_409_and_back_to_back_is_fine(frozen, scenes, owner, other_resident, room):
    book(owner, room, at(2, 10), at(2, 11))
    with pytest.raises(Conflict) as exc:
        book(other_resident, room, at(2, 10, 30), at(2, 11, 30))
    assert exc.value.code == "overlap"
    book(other_resident, room, at(2, 11), at(2, 12))
    assert Booking.objects.count() == 2


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (at(2, 10), at(2, 10), "end_before_start"),
        (at(2, 10, 15), at(2, 11, 15), "off_grid"),
        (at(2, 7), at(2, 8), "outside_opening_hours"),
        (at(1, 8), at(1, 8, 30), "outside_opening_hours"),
        (at(30, 10, month=11), at(30, 11, month=11), "past"),
        (at(20, 10), at(20, 11), "too_far_ahead"),
        (at(2, 10), at(2, 14), "too_long"),
        (at(2, 17), at(2, 19), "spans_scenes"),
    ],
)
def test_bad_times_are_refused_with_a_code(frozen, scenes, owner, room, start, end, code):
    with pytest.raises(DomainError) as exc:
        book(owner, room, start, end)
    assert exc.value.code == code
    assert not Booking.objects.exists()


def test_notice_is_inclusive(frozen, scenes, owner, room):
    book(owner, room, at(1, 9), at(1, 9, 30))  # exactly the hour's notice
    frozen.move_to(at(1, 8, 31))
    with pytest.raises(DomainError) as exc:
        book(owner, room, at(1, 9, 30), at(1, 10))
    assert exc.value.code == "notice"
    assert "09:31" in exc.value.message


def test_too_many_people(frozen, scenes, owner, room):
    with pytest.raises(DomainError) as exc:
        book(owner, room, at(2, 10), at(2, 11), people=room.capacity + 1)
    assert exc.value.code == "too_many_people"


def test_active_limit(frozen, scenes, owner, room):
    for hour in (9, 11, 13):
        book(owner, room, at(2, hour), at(2, hour + 1))
    with pytest.raises(DomainError) as exc:
        book(owner, room, at(2, 15), at(2, 16))
    assert exc.value.code == "active_limit"


def test_availability_removes_taken_and_past_cells(frozen, scenes, owner, room):
    book(owner, room, at(1, 10), at(1, 11))
    slots = room_availability(room=room, start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 2))
    starts = [s.starts_at.strftime("%H:%M") for s in slots]
    assert starts[:3] == ["09:00", "09:30", "11:00"]  # 09:00 is exactly the hour's notice
    evening = [s for s in slots if s.kind == "commercial"]
    assert [s.starts_at.strftime("%H:%M") for s in evening] == [
        "18:00",
        "18:30",
        "19:00",
        "19:30",
        "20:00",
        "20:30",
    ]
    assert evening[-1].can_start is False and evening[-2].can_start is True


def test_no_show_releases_the_rest_at_the_window_edge(frozen, scenes, owner, other_resident, room):
    booking = book(owner, room, at(1, 10), at(1, 12))
    frozen.move_to(at(1, 10, 15) - dt.timedelta(microseconds=1))
    with pytest.raises(Conflict):
        book(other_resident, room, at(1, 11, 30), at(1, 12))
    frozen.move_to(at(1, 10, 15))
    book(other_resident, room, at(1, 11, 30), at(1, 12))
    booking.refresh_from_db()
    assert booking.status == Status.NO_SHOW


def test_resident_cancels_before_the_deadline_only(frozen, scenes, owner, room):
    booking = book(owner, room, at(1, 12), at(1, 13))
    frozen.move_to(at(1, 11, 1))
    with pytest.raises(DomainError) as exc:
        booking_cancel(user=owner, booking=booking)
    assert exc.value.code == "cancel_deadline_passed"


def test_check_in_by_code_once_inside_the_window(frozen, scenes, owner, operator, venue, room):
    from bookings.models import CheckIn
    from bookings.services.checkins import checkin_by_code

    booking = book(owner, room, at(1, 10), at(1, 11))
    frozen.move_to(at(1, 9, 44))
    with pytest.raises(DomainError) as exc:
        checkin_by_code(user=operator, venue=venue, code=booking.code)
    assert exc.value.code == "checkin_not_open"
    assert "09:45" in exc.value.message
    frozen.move_to(at(1, 9, 45))
    first = checkin_by_code(user=operator, venue=venue, code=booking.code)
    again = checkin_by_code(user=operator, venue=venue, code=booking.code)
    assert first.created and not again.created
    assert CheckIn.objects.count() == 1
    booking.refresh_from_db()
    assert booking.status == Status.CHECKED_IN


def test_an_event_cannot_be_published_over_a_booking(frozen, scenes, owner, operator, venue, room):
    from scenes.models import Event
    from scenes.services.events import event_publish

    book(owner, room, at(2, 10), at(2, 11))
    with pytest.raises(Conflict) as exc:
        event_publish(
            user=operator,
            venue=venue,
            room=room,
            title="读书会",
            capacity=10,
            starts_at=at(2, 10, 30),
            ends_at=at(2, 12),
        )
    assert exc.value.code == "room_booked"
    assert "10:00-11:00" in exc.value.message
    assert not Event.objects.exists()


def test_a_booking_over_a_published_event_is_an_overlap(
    frozen, scenes, owner, operator, venue, room
):
    from scenes.services.events import event_publish

    event_publish(
        user=operator,
        venue=venue,
        room=room,
        title="读书会",
        capacity=10,
        starts_at=at(2, 10, 30),
        ends_at=at(2, 12),
    )
    with pytest.raises(Conflict) as exc:
        book(owner, room, at(2, 10), at(2, 11))
    assert exc.value.code == "overlap"
    assert exc.value.message == "这个时段已安排活动，请另选时段。"
    book(owner, room, at(2, 12), at(2, 13))  # back to back
    assert Booking.objects.count() == 1


def test_a_lapsed_request_over_the_slot_is_written_down_as_rejected(
    frozen, venue, room, owner, other_resident
):
    from tests.factories import weekly_hours

    weekly_hours(venue)
    make_scene(venue, kind="public", requires_approval=True, ends=dt.time(21))
    asked = book(owner, room, at(1, 10), at(1, 12))
    assert asked.status == Status.PENDING
    frozen.move_to(at(1, 10, 15))  # its check-in window closed undecided
    book(other_resident, room, at(1, 11, 30), at(1, 12))
    asked.refresh_from_db()
    assert (asked.status, asked.decided_at) == (Status.REJECTED, at(1, 10, 15))


def test_only_its_operators_book_in_a_venue_not_published_yet(
    frozen, scenes, venue, room, owner, operator
):
    venue.is_published = False
    venue.save()
    with pytest.raises(NotFound) as exc:
        book(owner, room, at(2, 10), at(2, 11))
    assert (exc.value.code, exc.value.status) == ("room_not_found", 404)
    assert not Booking.objects.exists()
    booking = book(operator, room.pk, at(2, 10), at(2, 11))  # by id, as the API passes it
    assert Booking.objects.get().resident == operator == booking.resident


def test_a_missing_room_is_not_found(frozen, scenes, owner):
    with pytest.raises(NotFound) as exc:
        book(owner, 999_999, at(2, 10), at(2, 11))
    assert exc.value.code == "room_not_found"
