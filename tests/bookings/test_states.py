"""The booking state machine (DOMAIN.md "Bookings and check-ins"), through the services."""

import datetime as dt

import pytest
from django.utils import timezone

from bookings.models import Booking, CheckIn, Rating, Status
from bookings.services.bookings import (
    booking_approve,
    booking_cancel,
    booking_create,
    booking_reject,
)
from bookings.services.checkins import (
    booking_record_payment,
    checkin_booking,
    checkin_walk_in,
    rating_create,
    walk_in_count,
)
from bookings.states import TRANSITIONS, effective_status
from linli.errors import Conflict, DomainError, PermissionDenied
from scenes.models import Group, GroupMembership, GroupVenueApproval
from tests.bookings.conftest import at
from tests.factories import (
    ResidentFactory,
    VenueFactory,
    VenueRoleFactory,
    make_booking,
    make_scene,
)

pytestmark = pytest.mark.django_db


def book(user, room, start, end, **kw):
    return booking_create(
        user=user, room=room, starts_at=start, ends_at=end, people=2, purpose="议事", **kw
    )


@pytest.fixture
def approval_scene(venue, room):
    from tests.factories import weekly_hours

    weekly_hours(venue)
    return make_scene(venue, kind="public", requires_approval=True, ends=dt.time(21))


def test_every_recorded_state_has_its_successors():
    assert set(TRANSITIONS) == set(Status.values)
    assert TRANSITIONS[Status.CONFIRMED] == {Status.CANCELLED, Status.CHECKED_IN, Status.NO_SHOW}
    assert TRANSITIONS[Status.COMPLETED] == frozenset()


def test_pending_then_confirmed_by_the_operator(frozen, approval_scene, owner, operator, room):
    booking = book(owner, room, at(2, 10), at(2, 11))
    assert booking.status == Status.PENDING
    booking = booking_approve(user=operator, booking=booking)
    assert Booking.objects.get().status == Status.CONFIRMED
    assert booking.decided_by == operator
    with pytest.raises(Conflict) as exc:
        booking_approve(user=operator, booking=booking)
    assert exc.value.code == "invalid_state"


def test_pending_then_rejected_frees_the_slot(
    frozen, approval_scene, owner, other_resident, operator, room
):
    booking = book(owner, room, at(2, 10), at(2, 11))
    with pytest.raises(Conflict):
        book(other_resident, room, at(2, 10), at(2, 11))
    booking_reject(user=operator, booking=booking, reason="当天有检查")
    assert Booking.objects.get(pk=booking.pk).reason == "当天有检查"
    book(other_resident, room, at(2, 10), at(2, 11))


def test_another_venues_operator_cannot_decide(frozen, approval_scene, owner, room):
    other = VenueRoleFactory(venue=VenueFactory(name="别的场馆")).user
    booking = book(owner, room, at(2, 10), at(2, 11))
    with pytest.raises(PermissionDenied):
        booking_approve(user=other, booking=booking)
    with pytest.raises(PermissionDenied):
        booking_cancel(user=other, booking=booking, reason="x")
    assert Booking.objects.get().status == Status.PENDING


def test_an_undecided_request_lapses_when_its_window_closes(frozen, approval_scene, owner, room):
    booking = book(owner, room, at(1, 10), at(1, 11))
    frozen.move_to(at(1, 10, 15))
    assert effective_status(booking, at(1, 10, 15)) == Status.REJECTED


def test_checked_in_then_completed_once_ended(frozen, scenes, owner, operator, room):
    booking = book(owner, room, at(1, 10), at(1, 11))
    frozen.move_to(at(1, 10, 5))
    checkin_booking(user=operator, booking=booking)
    booking.refresh_from_db()
    assert booking.status == Status.CHECKED_IN
    assert effective_status(booking, at(1, 10, 59)) == Status.CHECKED_IN
    assert effective_status(booking, at(1, 11)) == Status.COMPLETED
    with pytest.raises(Conflict):
        booking_cancel(user=owner, booking=booking)


def test_operator_cancel_needs_a_reason_and_ignores_the_deadline(
    frozen, scenes, owner, operator, room
):
    booking = book(owner, room, at(1, 10), at(1, 11))
    frozen.move_to(at(1, 9, 30))
    with pytest.raises(DomainError) as exc:
        booking_cancel(user=operator, booking=booking)
    assert exc.value.code == "required"
    booking_cancel(user=operator, booking=booking, reason="停电")
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by_operator, booking.reason) == (
        Status.CANCELLED,
        True,
        "停电",
    )


def test_another_resident_cannot_cancel(frozen, scenes, owner, other_resident, room):
    booking = book(owner, room, at(2, 10), at(2, 11))
    with pytest.raises(PermissionDenied):
        booking_cancel(user=other_resident, booking=booking)


def test_group_only_time_needs_a_leader_of_an_approved_group(frozen, venue, room, owner, operator):
    from tests.factories import weekly_hours

    weekly_hours(venue)
    make_scene(venue, kind="public", who_may_book="groups")
    group = Group.objects.create(name="合唱团", created_by=owner)
    GroupMembership.objects.create(group=group, user=owner, role=GroupMembership.Role.LEADER)
    member = ResidentFactory(phone="13700000001")
    GroupMembership.objects.create(group=group, user=member, role=GroupMembership.Role.MEMBER)
    with pytest.raises(DomainError) as exc:
        book(owner, room, at(2, 10), at(2, 11))
    assert exc.value.code == "group_required"
    with pytest.raises(DomainError) as exc:
        book(owner, room, at(2, 10), at(2, 11), group=group)
    assert exc.value.code == "group_not_approved"
    GroupVenueApproval.objects.create(
        group=group, venue=venue, status=GroupVenueApproval.Status.APPROVED
    )
    with pytest.raises(PermissionDenied) as exc:
        book(member, room, at(2, 10), at(2, 11), group=group)
    assert exc.value.code == "not_group_leader"
    assert book(owner, room, at(2, 10), at(2, 11), group=group).group == group


def test_walk_in_by_poster_is_once_a_day(frozen, scenes, owner, venue):
    first = checkin_walk_in(user=owner, venue=venue)
    second = checkin_walk_in(user=owner, venue=venue)
    assert first.created and not second.created
    assert CheckIn.objects.filter(kind="walk_in").count() == 1


def test_poster_scan_checks_in_a_due_booking(frozen, scenes, owner, venue, room):
    booking = book(owner, room, at(1, 10), at(1, 11))
    frozen.move_to(at(1, 9, 50))
    result = checkin_walk_in(user=owner, venue=venue)
    assert result.booking == booking and result.checkin.kind == "booking"
    assert Booking.objects.get().status == Status.CHECKED_IN


def test_headcount_is_one_row_without_a_resident(frozen, venue, operator, owner):
    row = walk_in_count(user=operator, venue=venue, headcount=12)
    assert (row.resident, row.visitor, row.headcount) == (None, None, 12)
    for bad in (0, 501):
        with pytest.raises(DomainError):
            walk_in_count(user=operator, venue=venue, headcount=bad)
    with pytest.raises(PermissionDenied):
        walk_in_count(user=owner, venue=venue, headcount=3)


def test_rating_once_within_seven_days_of_a_visit(frozen, scenes, owner, venue):
    with pytest.raises(DomainError) as exc:
        rating_create(user=owner, venue=venue, local_date=dt.date(2026, 12, 1), score=5)
    assert exc.value.code == "no_visit"
    checkin_walk_in(user=owner, venue=venue)
    rating_create(user=owner, venue=venue, local_date=dt.date(2026, 12, 1), score=5, comment="好")
    with pytest.raises(Conflict) as exc:
        rating_create(user=owner, venue=venue, local_date=dt.date(2026, 12, 1), score=4)
    assert exc.value.code == "already_rated"
    assert Rating.objects.get().score == 5


def test_rating_closes_after_seven_days(frozen, scenes, owner, venue):
    checkin_walk_in(user=owner, venue=venue)
    frozen.move_to(at(8, 23, 59))
    with pytest.raises(DomainError) as exc:
        rating_create(user=owner, venue=venue, local_date=dt.date(2026, 12, 1), score=6)
    assert exc.value.code == "invalid"
    rating_create(user=owner, venue=venue, local_date=dt.date(2026, 12, 1), score=3)
    Rating.objects.all().delete()
    frozen.move_to(at(9, 0, 0))
    with pytest.raises(DomainError) as exc:
        rating_create(user=owner, venue=venue, local_date=dt.date(2026, 12, 1), score=3)
    assert exc.value.code == "rating_closed"


def test_payment_is_recorded_once_for_paid_bookings(frozen, scenes, owner, operator, room):
    paid = book(owner, room, at(2, 18), at(2, 19))
    free = book(owner, room, at(2, 10), at(2, 11))
    with pytest.raises(Conflict) as exc:
        booking_record_payment(user=operator, booking=free, method="cash")
    assert exc.value.code == "not_paid_booking"
    booking_record_payment(user=operator, booking=paid, method="wechat")
    paid.refresh_from_db()
    assert (paid.payment_method, paid.paid_fen) == ("wechat", 2000)
    with pytest.raises(Conflict) as exc:
        booking_record_payment(user=operator, booking=paid, method="cash")
    assert exc.value.code == "already_paid"


def test_staff_only_time(frozen, venue, room, owner, operator):
    from tests.factories import weekly_hours

    weekly_hours(venue)
    make_scene(venue, kind="public", who_may_book="staff")
    with pytest.raises(DomainError) as exc:
        book(owner, room, at(2, 10), at(2, 11))
    assert exc.value.code == "staff_only"
    assert book(operator, room, at(2, 10), at(2, 11)).status == Status.CONFIRMED


def test_event_attendee_checks_in_at_the_desk_or_by_the_poster(
    frozen, scenes, owner, other_resident, operator, venue, room
):
    from scenes.services.events import event_publish
    from scenes.services.registrations import event_register

    (event,) = event_publish(
        user=operator,
        venue=venue,
        room=room,
        title="读书会",
        capacity=10,
        starts_at=at(1, 14),
        ends_at=at(1, 16),
    )
    mine = event_register(user=owner, event=event)
    theirs = event_register(user=other_resident, event=event)
    from bookings.services.checkins import checkin_registration

    frozen.move_to(at(1, 13, 29))
    with pytest.raises(DomainError) as exc:
        checkin_registration(user=operator, registration=mine)
    assert exc.value.code == "checkin_not_open"
    frozen.move_to(at(1, 13, 30))
    assert checkin_registration(user=operator, registration=mine).created
    assert not checkin_registration(user=operator, registration=mine).created
    result = checkin_walk_in(user=other_resident, venue=venue)
    assert result.checkin.kind == "event" and result.checkin.registration == theirs
    assert CheckIn.objects.filter(kind="event").count() == 2


def test_holding_sql_selects_what_holding_q_selects(frozen, room, owner):
    """The availability's hand-written condition (states.holding_sql) and the ORM's
    (states.holding_q) agree for every recorded state, with the check-in window closing
    before, exactly at and after now."""
    from django.db import connection

    from bookings.states import holding_q, holding_sql

    now = timezone.now()
    made = []
    for i, status in enumerate(Status.values):
        for j, closes in enumerate((-1, 0, 1)):  # minutes from now
            start = now + dt.timedelta(days=1 + i, hours=j)
            booking = make_booking(room, start, resident=owner, status=status, code=f"{i}{j}0000")
            Booking.objects.filter(pk=booking.pk).update(
                checkin_closes_at=now + dt.timedelta(minutes=closes)
            )
            made.append(booking.pk)
    q = connection.ops.quote_name
    condition, params = holding_sql(now, column=q)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {q('id')} FROM {q(Booking._meta.db_table)} WHERE {condition}", params
        )
        by_sql = {row[0] for row in cursor.fetchall()}
    by_orm = set(Booking.objects.filter(holding_q(now)).values_list("pk", flat=True))
    assert by_sql == by_orm
    # pending and confirmed whose window closes after now (2), and every checked-in (3)
    assert len(by_orm) == 5 and by_orm <= set(made)


def test_busy_spans_are_holding_bookings_and_published_events(frozen, room, owner, venue):
    """availability.busy_intervals (SQL) finds what the ORM finds, as aware datetimes."""
    from django.db.models import Q

    from bookings import rules
    from bookings.selectors.availability import busy_intervals
    from bookings.states import holding_q
    from scenes.models import Event

    def event(hour, status):
        Event.objects.create(
            venue=venue,
            room=room,
            title="讲座",
            capacity=20,
            status=status,
            starts_at=day + dt.timedelta(hours=hour),
            ends_at=day + dt.timedelta(hours=hour + 1),
        )

    now = timezone.now()
    day = at(2, 9)
    make_booking(room, day, resident=owner, code="000001")  # holds
    make_booking(room, day + dt.timedelta(hours=1), resident=owner, status="cancelled", code="2")
    make_booking(room, day + dt.timedelta(hours=2), resident=owner, status="checked_in", code="3")
    make_booking(room, day - dt.timedelta(days=3), resident=owner)  # before the range
    event(4, Event.Status.PUBLISHED)
    event(6, Event.Status.CANCELLED)
    start, end = day - dt.timedelta(hours=9), day + dt.timedelta(hours=15)
    spans = busy_intervals([room], start, end, now)[room.pk]
    orm = sorted(
        [
            *Booking.objects.filter(
                rules.overlapping(start, end) & Q(room=room) & holding_q(now)
            ).values_list("starts_at", "ends_at"),
            *Event.objects.filter(
                room=room, starts_at__lt=end, ends_at__gt=start, status=Event.Status.PUBLISHED
            ).values_list("starts_at", "ends_at"),
        ]
    )
    assert spans == orm
    assert [s.hour for s, _e in spans] == [1, 3, 5]  # UTC: 09:00, 11:00 and 13:00 local
    assert all(s.utcoffset() == dt.timedelta(0) for s, _e in spans)
