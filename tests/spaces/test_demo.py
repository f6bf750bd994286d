"""The demo venues (spaces.demo), loaded by ``make demo`` through the importer."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import User
from spaces import demo
from spaces.geo import distance_m, gcj02_to_wgs84
from spaces.models import Community, OpeningException, OpeningHours, Room, Venue, VenueRole
from tests.factories import UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday: "next Wednesday" is 2026-11-25, "next Friday" 2026-11-27.
MONDAY_MORNING = dt.datetime(2026, 11, 23, 10, tzinfo=SHANGHAI)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(MONDAY_MORNING, tick=False):
        yield


def load() -> list[str]:
    return demo.load(stdout=StringIO())


def rows() -> dict:
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (Community, Venue, Room, OpeningHours, OpeningException, VenueRole, User)
    }


def test_loading_the_demo_twice_changes_nothing():
    load()
    first = rows()
    lines = load()
    assert rows() == first
    assert "全部未变" in lines[0]


def test_it_lists_the_venues_for_the_console():
    lines = load()
    assert lines[0].startswith(
        "场馆：五福茶馆、驷马桥街道党群服务中心、府青路社区活动室（创建 2 个社区"
    )
    assert lines[1] == "运营方账号 wufu-operator（密码 linli-operator）管理五福茶馆"


def test_wufu_teahouse_has_its_four_rooms():
    load()
    teahouse = Venue.objects.get(
        community__street="驷马桥街道", community__name="五福桥社区", name="五福茶馆"
    )
    assert (teahouse.kind, teahouse.holiday_policy) == ("teahouse", "as_usual")
    assert teahouse.accessibility == ["step_free", "accessible_toilet"]
    assert list(teahouse.rooms.values_list("name", "capacity", "is_bookable")) == [
        ("议事茶亭", 12, True),
        ("服务驿站", 8, True),
        ("长者空间", 20, True),
        ("社区书屋", 15, False),
    ]


def test_coordinates_are_converted_from_gcj02():
    load()
    teahouse = Venue.objects.get(name="五福茶馆")
    expected = gcj02_to_wgs84(30.70512, 104.09436)
    assert distance_m(teahouse.latitude, teahouse.longitude, *expected) < 1.0
    # The datum shift in Chengdu is a few hundred metres; storing GCJ-02 as-is would show.
    assert distance_m(teahouse.latitude, teahouse.longitude, 30.70512, 104.09436) > 100


def test_hours_follow_the_model_case():
    load()
    teahouse = Venue.objects.get(name="五福茶馆")
    saturday = OpeningHours.objects.get(venue=teahouse, room=None, day=5)
    assert (saturday.opens, saturday.closes, saturday.overnight) == (
        dt.time(9),
        dt.time(0, 30),
        True,
    )
    library = Room.objects.get(venue=teahouse, name="社区书屋")
    assert set(library.hours.values_list("day", "opens", "closes")) == {
        (day, dt.time(9), dt.time(18)) for day in range(7)
    }
    centre = Venue.objects.get(name="驷马桥街道党群服务中心")
    assert centre.holiday_policy == "closed"
    assert not centre.hours.filter(day=6).exists()
    activity = Venue.objects.get(name="府青路社区活动室")
    assert activity.holiday_policy == "special"
    assert activity.hours.get(day=OpeningHours.HOLIDAY).opens == dt.time(14)


def test_dated_exceptions_fall_in_the_coming_week():
    load()
    elders = OpeningException.objects.get(room__name="长者空间")
    assert (elders.date, elders.opens, elders.reason) == (dt.date(2026, 11, 25), None, "设备检修")
    early = OpeningException.objects.get(venue__name="驷马桥街道党群服务中心")
    assert (early.date, early.opens, early.closes) == (
        dt.date(2026, 11, 27),
        dt.time(8, 30),
        dt.time(15),
    )


def test_next_weekday_is_strictly_after_today():
    wednesday = dt.date(2026, 11, 25)
    assert demo.next_weekday(wednesday, 2) == dt.date(2026, 12, 2)
    assert demo.next_weekday(wednesday, 4) == dt.date(2026, 11, 27)


def test_the_operator_role_is_assigned_to_a_new_staff_account():
    load()
    user = User.objects.get(username="wufu-operator")
    assert user.is_staff
    assert user.check_password("linli-operator")
    assert list(VenueRole.objects.values_list("user__username", "venue__name", "role")) == [
        ("wufu-operator", "五福茶馆", "operator")
    ]


def test_an_existing_operator_account_is_reused():
    existing = UserFactory(username="wufu-operator", is_staff=True)
    lines = load()
    assert User.objects.filter(username="wufu-operator").count() == 1
    assert VenueRole.objects.get().user == existing
    assert lines[1] == "运营方账号 wufu-operator 管理五福茶馆"


def test_the_reading_room_closes_earlier_than_the_teahouse_on_a_saturday():
    from spaces.hours import open_intervals

    load()
    teahouse = Venue.objects.get(name="五福茶馆")
    library = Room.objects.get(venue=teahouse, name="社区书屋")
    saturday = dt.date(2026, 11, 28)

    def spans(room=None):
        intervals = open_intervals(
            venue=teahouse, room=room, start=saturday, end=saturday + dt.timedelta(days=2)
        )
        return [(i.start.replace(tzinfo=None), i.end.replace(tzinfo=None)) for i in intervals]

    assert spans()[0] == (dt.datetime(2026, 11, 28, 9), dt.datetime(2026, 11, 29, 0, 30))
    assert spans(library)[0] == (dt.datetime(2026, 11, 28, 9), dt.datetime(2026, 11, 28, 18))


def test_a_late_closure_three_weeks_ago_for_predictability():
    load()
    closure = OpeningException.objects.get(date=dt.date(2026, 11, 3))  # 20 days before
    assert closure.venue.name == "五福茶馆" and closure.opens is None
    # Made two days before the day it closed: late (DOMAIN.md metric 12).
    assert closure.created_at == dt.datetime(2026, 11, 1, 16, tzinfo=SHANGHAI)
