import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from linli.errors import DomainError, PermissionDenied
from spaces import services
from spaces.models import OpeningException, OpeningHours, Room, Venue
from spaces.services import HoursRule
from tests.factories import CommunityFactory, RoomFactory, UserFactory, VenueFactory

T = dt.time


@pytest.fixture
def admin(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


def test_an_operator_cannot_touch_another_venue(operator, venue):
    other = VenueFactory(name="别的场馆")
    with pytest.raises(PermissionDenied) as exc:
        services.venue_update(user=operator, venue=other, name="改名")
    assert exc.value.code == "not_venue_operator"
    other.refresh_from_db()
    assert other.name == "别的场馆"


def test_a_resident_cannot_create_rooms(owner, venue):
    with pytest.raises(PermissionDenied):
        services.room_create(user=owner, venue=venue, name="新房间", capacity=5)
    assert not Room.objects.filter(name="新房间").exists()


def test_only_administrators_create_venues(operator, admin):
    community = CommunityFactory()
    kwargs = dict(
        community=community,
        kind="reading_room",
        name="五福书屋",
        address="五福桥东路2号",
        latitude=30.7,
        longitude=104.09,
    )
    with pytest.raises(PermissionDenied):
        services.venue_create(user=operator, **kwargs)
    venue = services.venue_create(user=admin, **kwargs)
    assert venue.pk and venue.time_zone == "Asia/Shanghai"


def test_it_converts_gcj02_input_to_wgs84(operator, venue):
    from spaces.geo import wgs84_to_gcj02

    lat, lon = wgs84_to_gcj02(30.7, 104.09)
    services.venue_update(
        user=operator, venue=venue, latitude=lat, longitude=lon, coordinate_system="gcj02"
    )
    venue.refresh_from_db()
    assert venue.latitude == pytest.approx(30.7, abs=1e-5)
    assert venue.longitude == pytest.approx(104.09, abs=1e-5)


def test_it_rejects_coordinates_out_of_range(operator, venue):
    with pytest.raises(DomainError) as exc:
        services.venue_update(user=operator, venue=venue, latitude=95.0, longitude=104.0)
    assert "latitude" in exc.value.fields
    venue.refresh_from_db()
    assert venue.latitude == pytest.approx(30.705)


def test_it_rejects_an_unknown_time_zone(operator, venue):
    with pytest.raises(DomainError) as exc:
        services.venue_update(user=operator, venue=venue, time_zone="Mars/Olympus")
    assert "time_zone" in exc.value.fields
    assert Venue.objects.get(pk=venue.pk).time_zone == "Asia/Shanghai"


def test_it_rejects_unknown_accessibility_codes(operator, venue):
    with pytest.raises(DomainError) as exc:
        services.venue_update(user=operator, venue=venue, accessibility=["lift", "teleporter"])
    assert exc.value.fields == {"accessibility": [exc.value.message]}


def test_hours_set_replaces_the_week_atomically(operator, venue):
    services.hours_set(
        user=operator,
        venue=venue,
        rules=[HoursRule(0, T(9), T(12)), HoursRule(0, T(14), T(21))],
    )
    with pytest.raises(DomainError) as exc:
        services.hours_set(
            user=operator,
            venue=venue,
            rules=[HoursRule(1, T(9), T(12)), HoursRule(1, T(11), T(13))],
        )
    assert exc.value.code == "overlap"
    # The failed replacement left the previous week untouched.
    assert list(OpeningHours.objects.filter(venue=venue).values_list("day", "opens", "closes")) == [
        (0, T(9), T(12)),
        (0, T(14), T(21)),
    ]


def test_hours_must_close_after_opening_unless_overnight(operator, venue):
    with pytest.raises(DomainError) as exc:
        services.hours_set(user=operator, venue=venue, rules=[HoursRule(4, T(21), T(9))])
    assert exc.value.code == "close_before_open"
    rows = services.hours_set(
        user=operator, venue=venue, rules=[HoursRule(4, T(18), T(2), overnight=True)]
    )
    assert [(r.opens, r.closes, r.overnight) for r in rows] == [(T(18), T(2), True)]


def test_room_hours_belong_to_the_room(operator, venue, room):
    services.hours_set(user=operator, venue=venue, room=room, rules=[HoursRule(0, T(9), T(18))])
    assert OpeningHours.objects.get().room == room
    other_room = RoomFactory()
    with pytest.raises(DomainError) as exc:
        services.hours_set(user=operator, venue=venue, room=other_room, rules=[])
    assert exc.value.code in {"room_not_in_venue", "not_venue_operator"}


NOV_20 = time_machine.travel(
    dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
)


@NOV_20
def test_an_exception_replaces_the_previous_one_for_the_date(operator, venue):
    day = dt.date(2026, 12, 2)
    services.exception_set(user=operator, venue=venue, date=day, reason="设备检修")
    services.exception_set(
        user=operator,
        venue=venue,
        date=day,
        reason="提前关门",
        intervals=[(T(9), T(15), False)],
    )
    rows = list(OpeningException.objects.values_list("date", "opens", "closes", "reason"))
    assert rows == [(day, T(9), T(15), "提前关门")]


@NOV_20
def test_an_exception_needs_a_reason(operator, venue):
    with pytest.raises(DomainError) as exc:
        services.exception_set(user=operator, venue=venue, date=dt.date(2026, 12, 2), reason=" ")
    assert exc.value.fields["reason"]
    assert not OpeningException.objects.exists()


@time_machine.travel(dt.datetime(2026, 11, 25, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_an_exception_in_the_past_is_refused_in_the_venues_time_zone(operator, venue):
    # 00:30 in Shanghai is 16:30 UTC on the 24th: the venue is already on the 25th.
    with pytest.raises(DomainError) as exc:
        services.exception_set(
            user=operator, venue=venue, date=dt.date(2026, 11, 24), reason="检修"
        )
    assert exc.value.code == "date_in_past"
    assert exc.value.fields == {
        "date": ["11月24日已经过去了（今天是11月25日），请选择今天或以后的日期。"]
    }
    assert not OpeningException.objects.exists()
    services.exception_set(user=operator, venue=venue, date=dt.date(2026, 11, 25), reason="检修")
    assert OpeningException.objects.get().date == dt.date(2026, 11, 25)


def test_duplicate_room_names_are_a_conflict(operator, venue, room):
    with pytest.raises(DomainError) as exc:
        services.room_create(user=operator, venue=venue, name=room.name, capacity=3)
    assert exc.value.status in {409, 422}
    assert Room.objects.filter(venue=venue).count() == 1


def test_hours_set_stores_a_room_s_closed_day_and_drops_a_venue_s(operator, venue, room):
    rows = services.hours_set(
        user=operator,
        venue=venue,
        room=room,
        rules=[HoursRule(day=7, closed=True), HoursRule(0, T(14), T(18))],
    )
    assert [(r.day, r.opens, r.closes, r.is_closed) for r in rows] == [
        (0, T(14), T(18), False),
        (7, None, None, True),
    ]
    venue_rows = services.hours_set(
        user=operator, venue=venue, rules=[HoursRule(day=6, closed=True), HoursRule(0, T(9), T(18))]
    )
    assert [(r.day, r.opens) for r in venue_rows] == [(0, T(9))]
    assert OpeningHours.objects.filter(venue=venue, room=None).count() == 1


def test_hours_set_refuses_a_day_both_closed_and_open_or_a_rule_without_times(
    operator, venue, room
):
    with pytest.raises(DomainError) as both:
        services.hours_set(
            user=operator,
            venue=venue,
            room=room,
            rules=[HoursRule(day=1, closed=True), HoursRule(1, T(9), T(12))],
        )
    assert (both.value.code, list(both.value.fields)) == ("closed_day_has_hours", ["rules.1"])
    with pytest.raises(DomainError) as bare:
        services.hours_set(user=operator, venue=venue, rules=[HoursRule(day=1)])
    assert (bare.value.code, list(bare.value.fields)) == ("invalid", ["rules.0.opens"])
    assert not OpeningHours.objects.exists()


def test_an_unknown_on_conflict_choice_is_refused(operator, venue):
    with pytest.raises(DomainError) as exc:
        services.exception_set(
            user=operator,
            venue=venue,
            date=dt.date(2026, 12, 2),
            reason="检修",
            on_conflict="maybe",
        )
    assert (exc.value.code, list(exc.value.fields)) == ("invalid", ["on_conflict"])
    assert not OpeningException.objects.exists()


def test_an_exception_records_when_it_was_made_and_rewording_keeps_it(operator, venue):
    day = dt.date(2026, 12, 2)
    made = dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(made, tick=False):
        services.exception_set(user=operator, venue=venue, date=day, reason="设备检修")
    with time_machine.travel(made + dt.timedelta(days=8), tick=False):
        # Only the reason changes: the closure itself was decided on 11-20.
        services.exception_set(user=operator, venue=venue, date=day, reason="设备检修，请谅解")
        assert OpeningException.objects.get().created_at == made
        # New times are a new decision.
        services.exception_set(
            user=operator,
            venue=venue,
            date=day,
            reason="提前关门",
            intervals=[(T(9), T(15), False)],
        )
        assert OpeningException.objects.get().created_at == made + dt.timedelta(days=8)
