"""Metrics 5-11 (show rate, visits, walk-in headcount, unique visitors, repeat visits,
30-day returns, cohorts, satisfaction), hand-computed on small crafted data."""

import datetime as dt
import random
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import CheckIn
from metrics.selectors import Cohort
from metrics.selectors import visits as v
from tests.factories import ResidentFactory, RoomFactory, VenueFactory, make_booking
from tests.metrics.helpers import at, d, figures, rating, visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def venue():
    return VenueFactory()


@pytest.fixture
def room(venue):
    return RoomFactory(venue=venue)


def _booking(room, start, status, code, *, checked_in=False, hours=1.0):
    booking = make_booking(room, start, status=status, code=code, hours=hours)
    if checked_in:
        CheckIn.objects.create(
            venue=room.venue,
            room=room,
            kind=CheckIn.Kind.BOOKING,
            booking=booking,
            visitor=uuid.uuid4(),
            at=start,
            local_date=start.astimezone(room.venue.zone).date(),
        )
    return booking


# --- 5. show rate -------------------------------------------------------------------------


def test_show_rate_counts_bookings_that_were_confirmed_and_end_in_the_period(room):
    _booking(room, at(12, 1, 10), "checked_in", "000001", checked_in=True)  # shown
    _booking(room, at(12, 2, 10), "completed", "000002", checked_in=True)  # shown
    _booking(room, at(12, 3, 10), "no_show", "000003")  # recorded no-show
    _booking(room, at(12, 4, 10), "confirmed", "000004")  # lapsed on read: no check-in
    _booking(room, at(12, 5, 10), "pending", "000005")  # never confirmed: out
    _booking(room, at(12, 5, 12), "cancelled", "000006")  # out
    _booking(room, at(12, 5, 14), "rejected", "000007")  # out
    # Starts before the period, ends 12-01 00:30 inside it: in.
    _booking(room, at(11, 30, 23), "completed", "000008", checked_in=True, hours=1.5)
    # Ends exactly at `to` 00:00: outside.
    _booking(room, at(12, 7, 23), "completed", "000009", checked_in=True)
    m = figures([room.venue], d(12, 1), d(12, 8))
    # In: 000001, 000002, 000008 shown; 000003, 000004 not: 3 of 5.
    assert m.show_rate == pytest.approx(3 / 5)


def test_show_rate_with_no_confirmed_booking_is_null(room):
    _booking(room, at(12, 1, 10), "pending", "000001")
    _booking(room, at(12, 1, 12), "cancelled", "000002")
    assert figures([room.venue], d(12, 1), d(12, 8)).show_rate is None


# --- 6-8. visits, walk-in headcount, unique visitors, repeat visits ----------------------------


def test_visits_are_distinct_visitor_venue_dates_and_anonymous_walk_ins_a_headcount(venue):
    other = VenueFactory()
    ann, bo, cai = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    gone = ResidentFactory()
    visit(venue, ann, d(12, 1), kind="walk_in")
    visit(venue, ann, d(12, 1), kind="event", hour=15)  # same day, same venue: one visit
    visit(venue, ann, d(12, 3), kind="event")
    visit(venue, bo, d(12, 2), kind="walk_in", resident=gone)
    gone.delete()  # the account goes; the pseudonym still counts
    visit(other, cai, d(12, 1))
    visit(venue, cai, d(12, 2))
    visit(venue, None, d(12, 1), headcount=5)  # anonymous walk-ins
    visit(venue, None, d(12, 2), headcount=3)
    visit(venue, None, d(12, 9), headcount=7)  # after the period
    visit(venue, ann, d(12, 8))  # on `to`: outside

    m = figures([venue], d(12, 1), d(12, 8))
    # ann: 12-01, 12-03; bo: 12-02; cai: 12-02 here: 4 visits by 3 visitors.
    assert (m.visits, m.unique_visitors) == (4, 3)
    assert m.walk_in_headcount == 8  # 5 + 3, never visits
    assert m.repeat_visit_rate == pytest.approx(1 / 3)  # only ann came on two dates

    both = figures([venue, other], d(12, 1), d(12, 8))
    # + cai at the other venue on 12-01: 5 visits; cai now came on 12-01 and 12-02.
    assert (both.visits, both.unique_visitors) == (5, 3)
    assert both.repeat_visit_rate == pytest.approx(2 / 3)  # ann and cai


def test_visit_counts_are_aggregates_not_rows(venue):
    for i in range(20):
        visit(venue, uuid.uuid4(), d(12, 1 + i % 7))
    with CaptureQueriesContext(connection) as queries:
        counts = v.visit_counts(venues=[venue], start=d(12, 1), end=d(12, 8))
    assert counts["visits"] == 20
    assert len(queries) == 3  # visits, visitors, headcount: whatever the number of rows


# --- 9. 30-day return rate --------------------------------------------------------------


def test_return_30d_rate(venue):
    a, b, c, e, old = (uuid.uuid4() for _ in range(5))
    # Period [11-01, 12-31): a first visit d is eligible while d + 30 < 12-31, i.e. d <= 11-30.
    visit(venue, a, d(11, 30))  # the last eligible day...
    visit(venue, a, d(12, 30))  # ...and back on d + 30, the last day that counts
    visit(venue, b, d(11, 1))
    visit(venue, b, d(12, 2))  # d + 31: too late
    visit(venue, c, d(12, 1))  # d + 30 = 12-31 is not before `to`: not eligible
    visit(venue, c, d(12, 2))
    visit(venue, e, d(11, 10))
    visit(venue, e, d(11, 10), kind="event", hour=16)  # the same day is not a return
    visit(venue, old, d(10, 20))  # first-ever visit before the period: not eligible
    visit(venue, old, d(11, 5))
    m = figures([venue], d(11, 1), d(12, 31))
    assert m.return_30d_rate == pytest.approx(1 / 3)  # eligible a, b, e; returned a


def test_return_30d_rate_over_a_set_takes_the_first_visit_at_any_venue(venue):
    other = VenueFactory()
    x = uuid.uuid4()
    visit(other, x, d(10, 25))  # first-ever visit to the set, before the period
    visit(venue, x, d(11, 3))
    visit(venue, x, d(11, 20))
    assert figures([venue], d(11, 1), d(12, 31)).return_30d_rate == 1.0  # first here 11-03
    assert figures([venue, other], d(11, 1), d(12, 31)).return_30d_rate is None  # none eligible


def test_return_30d_rate_of_a_period_too_short_is_null(venue):
    visit(venue, uuid.uuid4(), d(12, 1))
    assert figures([venue], d(12, 1), d(12, 31)).return_30d_rate is None  # 30 days: no d fits


# --- 10. cohorts ------------------------------------------------------------------------------


def test_cohorts_at_month_and_period_edges(venue):
    p, q, r, s, t = (uuid.uuid4() for _ in range(5))
    visit(venue, p, d(1, 14))  # first visit before the period: in no cohort
    visit(venue, p, d(1, 20))
    visit(venue, q, d(1, 15))  # the period's first day
    visit(venue, q, d(2, 10))
    visit(venue, q, d(3, 1))  # March starts before `to` (03-02): counts as k = 2
    visit(venue, r, d(1, 31))  # a month's last day...
    visit(venue, r, d(2, 1))  # ...and back the next day, the next month: k = 1
    visit(venue, s, d(2, 1))
    visit(venue, s, d(2, 28))  # k = 0 again
    visit(venue, s, d(3, 2))  # on `to`: does not count
    visit(venue, t, d(3, 1))  # the period's last day
    m = figures([venue], d(1, 15), d(3, 2))
    assert m.cohorts == (
        # January: q, r; February: both (q 02-10, r 02-01); March: q only.
        Cohort("2026-01", 2, (1.0, 1.0, 0.5)),
        # February: s; March: nobody (s's 03-02 is on `to`).
        Cohort("2026-02", 1, (1.0, 0.0)),
        Cohort("2026-03", 1, (1.0,)),
    )


def test_cohort_months_run_to_the_last_month_starting_before_to(venue):
    visit(venue, uuid.uuid4(), d(1, 5))
    # `to` 03-01: March does not start before it, so retention covers January and February.
    assert figures([venue], d(1, 1), d(3, 1)).cohorts == (Cohort("2026-01", 1, (1.0, 0.0)),)


# --- 11. satisfaction ---------------------------------------------------------------------


def test_satisfaction(venue):
    a, b, c, e = (uuid.uuid4() for _ in range(4))
    rating(venue, a, d(12, 1), 5)
    rating(venue, b, d(12, 2), 4)
    rating(venue, c, d(12, 3), 2)
    rating(venue, e, d(12, 8), 1)  # a visit on `to`: outside
    m = figures([venue], d(12, 1), d(12, 8))
    assert m.satisfaction.mean == pytest.approx(11 / 3)  # (5 + 4 + 2) / 3
    assert m.satisfaction.share_4_5 == pytest.approx(2 / 3)
    assert m.satisfaction.count == 3


def test_a_deleted_accounts_visits_and_bookings_still_count(venue, room):
    resident = ResidentFactory()
    key = uuid.uuid4()
    booking = make_booking(room, at(12, 1, 10), resident=resident, visitor=key, code="000001")
    CheckIn.objects.create(
        venue=venue,
        room=room,
        resident=resident,
        visitor=key,
        kind=CheckIn.Kind.BOOKING,
        booking=booking,
        at=at(12, 1, 10),
        local_date=d(12, 1),
    )
    resident.delete()
    m = figures([venue], d(12, 1), d(12, 2))
    assert (m.visits, m.unique_visitors, m.show_rate) == (1, 1, 1.0)


def test_the_period_is_read_in_each_venues_own_zone(venue):
    far = VenueFactory(time_zone="Asia/Urumqi")  # UTC+6: 2 hours behind Shanghai
    room = RoomFactory(venue=far)
    # Ends 12-08 00:30 Shanghai = 12-07 22:30 in Urumqi: inside [12-01, 12-08) there.
    end = dt.datetime(2026, 12, 7, 22, 30, tzinfo=far.zone)
    make_booking(room, end - dt.timedelta(hours=1), status="no_show", code="000001")
    assert figures([venue, far], d(12, 1), d(12, 8)).show_rate == 0.0


@pytest.mark.parametrize("by", ["week", "month"])
def test_each_period_of_a_series_has_the_figures_of_that_period_alone(venue, by):
    from metrics.selectors import metrics_series

    rng = random.Random(7)
    people = [uuid.uuid4() for _ in range(12)]
    for _ in range(60):
        day = d(10, 1) + dt.timedelta(days=rng.randrange(120))
        visit(venue, rng.choice(people), day, kind="event")
    for i, person in enumerate(people):
        rating(venue, person, d(10, 3) + dt.timedelta(days=9 * i), 1 + i % 5)
    series = metrics_series(venues=[venue], start=d(10, 15), end=d(1, 20, 2027), by=by)
    assert [figures([venue], m.start, m.end) for m in series] == series
    assert any(len(m.cohorts) for m in series)
