import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from linli.errors import DomainError
from spaces.hours import (
    day_interval_problems,
    day_schedules,
    load_rules,
    open_intervals,
    open_status,
    open_status_many,
    validate_day_intervals,
)
from spaces.models import OpeningException
from tests.factories import (
    OpeningHoursFactory,
    RoomFactory,
    VenueFactory,
    closed_days,
    weekly_hours,
)

D = dt.date
T = dt.time
SHANGHAI = ZoneInfo("Asia/Shanghai")


def spans(intervals):
    return [(f"{i.start:%m-%d %H:%M}", f"{i.end:%m-%d %H:%M}") for i in intervals]


def day_map(schedules):
    """{"MM-DD": (kind, label, ["HH:MM-HH:MM", ...])} for compact exact assertions."""
    return {
        f"{s.date:%m-%d}": (
            s.kind,
            s.label,
            [f"{i.start:%H:%M}-{i.end:%H:%M}" for i in s.intervals],
        )
        for s in schedules
    }


def distinct_week(venue, room=None):
    """Each weekday opens at a different hour (Mon 08:00 ... Sun 14:00) so the rule used
    on any given day shows in the result; all close at 20:00."""
    for day in range(7):
        OpeningHoursFactory(venue=venue, room=room, day=day, opens=T(8 + day), closes=T(20))


def exception(venue, date, reason, opens=None, closes=None, room=None, overnight=False):
    return OpeningException.objects.create(
        venue=venue,
        room=room,
        date=date,
        opens=opens,
        closes=closes,
        overnight=overnight,
        reason=reason,
    )


def set_policy(venue, policy):
    venue.holiday_policy = policy
    venue.save(update_fields=["holiday_policy"])


# --- National Day 2026 ----------------------------------------------------------------


def test_national_day_closed_policy_closes_the_whole_break(venue):
    distinct_week(venue)
    days = day_map(day_schedules(venue=venue, start=D(2026, 9, 30), end=D(2026, 10, 12)))
    assert days["09-30"] == ("regular", "", ["10:00-20:00"])  # Wednesday
    for d in range(1, 8):
        assert days[f"10-{d:02d}"] == ("holiday", "国庆节", [])
    assert days["10-08"] == ("regular", "", ["11:00-20:00"])  # Thursday
    assert days["10-09"] == ("regular", "", ["12:00-20:00"])  # Friday
    # Saturday 10-10 is worked for Wednesday 10-07: Wednesday's hours.
    assert days["10-10"] == ("makeup_workday", "调休上班", ["10:00-20:00"])
    assert days["10-11"] == ("regular", "", ["14:00-20:00"])  # plain Sunday


def test_makeup_sunday_before_national_day_uses_tuesday_hours(venue):
    distinct_week(venue)
    (sep20,) = day_schedules(venue=venue, start=D(2026, 9, 20), end=D(2026, 9, 21))
    assert sep20.kind == "makeup_workday"
    assert sep20.reason == "调休上班，按星期二的开放时间"
    assert spans(sep20.intervals) == [("09-20 09:00", "09-20 20:00")]


def test_national_day_as_usual_policy_uses_each_days_weekday_hours(venue):
    set_policy(venue, "as_usual")
    distinct_week(venue)
    days = day_map(day_schedules(venue=venue, start=D(2026, 10, 1), end=D(2026, 10, 8)))
    assert days["10-01"] == ("holiday", "国庆节", ["11:00-20:00"])  # Thursday
    assert days["10-03"] == ("holiday", "国庆节", ["13:00-20:00"])  # Saturday
    assert days["10-04"] == ("holiday", "国庆节", ["14:00-20:00"])  # Sunday
    assert days["10-06"] == ("holiday", "国庆节", ["09:00-20:00"])  # Tuesday
    (oct1,) = day_schedules(venue=venue, start=D(2026, 10, 1), end=D(2026, 10, 2))
    assert oct1.reason == "节假日照常开放"


def test_national_day_special_policy_uses_holiday_rows_for_every_day(venue):
    set_policy(venue, "special")
    distinct_week(venue)
    OpeningHoursFactory(venue=venue, day=7, opens=T(10), closes=T(16))
    days = day_map(day_schedules(venue=venue, start=D(2026, 9, 30), end=D(2026, 10, 11)))
    for d in range(1, 8):
        assert days[f"10-{d:02d}"] == ("holiday", "国庆节", ["10:00-16:00"])
    assert days["09-30"] == ("regular", "", ["10:00-20:00"])
    assert days["10-10"] == ("makeup_workday", "调休上班", ["10:00-20:00"])


def test_special_policy_without_holiday_rows_is_closed(venue):
    set_policy(venue, "special")
    distinct_week(venue)
    assert open_intervals(venue=venue, start=D(2026, 10, 1), end=D(2026, 10, 8)) == []


def test_open_intervals_across_national_day_are_exact(venue):
    weekly_hours(venue)
    result = open_intervals(venue=venue, start=D(2026, 9, 30), end=D(2026, 10, 11))
    assert spans(result) == [
        ("09-30 09:00", "09-30 21:00"),
        ("10-08 09:00", "10-08 21:00"),
        ("10-09 09:00", "10-09 21:00"),
        ("10-10 09:00", "10-10 21:00"),
    ]
    assert all(i.start.tzinfo == SHANGHAI for i in result)


# --- Spring Festival and Dragon Boat 2026 -------------------------------------------


def test_spring_festival_break_and_makeup_saturdays(venue):
    distinct_week(venue)
    days = day_map(day_schedules(venue=venue, start=D(2026, 2, 13), end=D(2026, 3, 2)))
    assert days["02-14"] == ("makeup_workday", "调休上班", ["12:00-20:00"])  # for Fri 02-20
    for d in range(15, 24):
        assert days[f"02-{d:02d}"] == ("holiday", "农历除夕、春节", [])
    assert days["02-24"] == ("regular", "", ["09:00-20:00"])
    assert days["02-28"] == ("makeup_workday", "调休上班", ["08:00-20:00"])  # for Mon 02-23
    assert days["03-01"] == ("regular", "", ["14:00-20:00"])


def test_dragon_boat_break_includes_its_weekend(venue):
    set_policy(venue, "special")
    distinct_week(venue)
    OpeningHoursFactory(venue=venue, day=7, opens=T(9, 30), closes=T(12))
    days = day_map(day_schedules(venue=venue, start=D(2026, 6, 18), end=D(2026, 6, 23)))
    assert days == {
        "06-18": ("regular", "", ["11:00-20:00"]),
        "06-19": ("holiday", "端午节", ["09:30-12:00"]),
        "06-20": ("holiday", "端午节", ["09:30-12:00"]),
        "06-21": ("holiday", "端午节", ["09:30-12:00"]),
        "06-22": ("regular", "", ["08:00-20:00"]),
    }


# --- Overnight ------------------------------------------------------------------------


def test_friday_overnight_spills_into_saturday(venue):
    OpeningHoursFactory(venue=venue, day=4, opens=T(18), closes=T(2), overnight=True)
    OpeningHoursFactory(venue=venue, day=5, opens=T(9), closes=T(21))
    saturday = open_intervals(venue=venue, start=D(2026, 9, 12), end=D(2026, 9, 13))
    assert spans(saturday) == [("09-12 00:00", "09-12 02:00"), ("09-12 09:00", "09-12 21:00")]
    friday = open_intervals(venue=venue, start=D(2026, 9, 11), end=D(2026, 9, 12))
    assert spans(friday) == [("09-11 18:00", "09-12 00:00")]
    both = open_intervals(venue=venue, start=D(2026, 9, 11), end=D(2026, 9, 13))
    assert spans(both) == [("09-11 18:00", "09-12 02:00"), ("09-12 09:00", "09-12 21:00")]


def test_day_schedule_shows_overnight_interval_unclipped_on_its_start_day(venue):
    OpeningHoursFactory(venue=venue, day=4, opens=T(18), closes=T(2), overnight=True)
    fri, sat = day_schedules(venue=venue, start=D(2026, 9, 11), end=D(2026, 9, 13))
    assert spans(fri.intervals) == [("09-11 18:00", "09-12 02:00")]
    assert sat.intervals == []


def test_overnight_spills_into_a_holiday_closed_day(venue):
    # Friday 2026-04-03 is a working day; Saturday 04-04 starts the Qingming break.
    OpeningHoursFactory(venue=venue, day=4, opens=T(18), closes=T(2), overnight=True)
    OpeningHoursFactory(venue=venue, day=5, opens=T(9), closes=T(21))
    result = open_intervals(venue=venue, start=D(2026, 4, 4), end=D(2026, 4, 5))
    assert spans(result) == [("04-04 00:00", "04-04 02:00")]


def test_holiday_as_usual_overnight_spills_into_the_next_working_day(venue):
    set_policy(venue, "as_usual")
    OpeningHoursFactory(venue=venue, day=2, opens=T(19), closes=T(1), overnight=True)
    # Wednesday 10-07 is the break's last day; its night runs into Thursday 10-08.
    result = open_intervals(venue=venue, start=D(2026, 10, 8), end=D(2026, 10, 9))
    assert spans(result) == [("10-08 00:00", "10-08 01:00")]


# --- A year without a notice (2027) -----------------------------------------------------


def test_closed_on_holidays_closes_national_day_2027_provisionally(venue):
    set_policy(venue, "closed")
    weekly_hours(venue)
    days = day_schedules(venue=venue, start=D(2027, 9, 30), end=D(2027, 10, 5))
    assert [(d.date.day, d.is_closed, d.kind, d.label, d.announced) for d in days] == [
        (30, False, "regular", "", False),
        (1, True, "holiday", "国庆节", False),
        (2, True, "holiday", "国庆节", False),
        (3, True, "holiday", "国庆节", False),
        (4, False, "regular", "", False),  # no substituted day off without a notice
    ]


# --- Rooms ----------------------------------------------------------------------------


def test_room_without_rules_follows_the_venue(venue, room):
    weekly_hours(venue)
    assert spans(
        open_intervals(venue=venue, room=room, start=D(2026, 9, 14), end=D(2026, 9, 15))
    ) == [("09-14 09:00", "09-14 21:00")]


def test_a_room_day_without_a_rule_follows_the_venue_and_a_closed_one_is_closed(venue, room):
    weekly_hours(venue)  # 09:00-21:00 every day
    weekly_hours(venue, room=room, opens=T(14), closes=T(22), days=[0])  # Monday narrowed
    closed_days(room, [1])  # Tuesday closed by its own rule; the rest follows the venue
    days = day_schedules(venue=venue, room=room, start=D(2026, 9, 7), end=D(2026, 9, 10))
    assert [spans(d.intervals) for d in days] == [
        [("09-07 14:00", "09-07 21:00")],
        [],
        [("09-09 09:00", "09-09 21:00")],
    ]


@pytest.mark.parametrize("policy", ["as_usual", "special"])
def test_a_room_closed_during_holiday_breaks_is_closed_whatever_the_policy(venue, room, policy):
    set_policy(venue, policy)
    weekly_hours(venue)
    weekly_hours(venue, days=[7])  # the venue's special holiday hours
    closed_days(room, [7])
    during = open_intervals(venue=venue, room=room, start=D(2026, 10, 1), end=D(2026, 10, 8))
    assert during == []
    after = open_intervals(venue=venue, room=room, start=D(2026, 10, 8), end=D(2026, 10, 9))
    assert spans(after) == [("10-08 09:00", "10-08 21:00")]  # a working day: follows


def test_room_rules_narrow_the_venue_hours(venue, room):
    weekly_hours(venue)  # 09:00-21:00 every day
    weekly_hours(venue, room=room, opens=T(14), closes=T(22), days=range(5))
    closed_days(room, [5, 6])
    result = open_intervals(venue=venue, room=room, start=D(2026, 9, 7), end=D(2026, 9, 14))
    assert spans(result) == [(f"09-{d:02d} 14:00", f"09-{d:02d} 21:00") for d in range(7, 12)]
    other = RoomFactory(venue=venue, name="社区书屋")
    assert (
        len(open_intervals(venue=venue, room=other, start=D(2026, 9, 7), end=D(2026, 9, 14))) == 7
    )


def test_room_rules_on_a_makeup_day_use_the_paired_weekday(venue, room):
    weekly_hours(venue)
    OpeningHoursFactory(venue=venue, room=room, day=1, opens=T(15), closes=T(17))
    (sep20,) = day_schedules(venue=venue, room=room, start=D(2026, 9, 20), end=D(2026, 9, 21))
    assert sep20.kind == "makeup_workday"
    assert spans(sep20.intervals) == [("09-20 15:00", "09-20 17:00")]


def test_room_rules_cannot_open_a_room_on_a_closed_holiday(venue, room):
    weekly_hours(venue)
    weekly_hours(venue, room=room, opens=T(14), closes=T(18))
    assert open_intervals(venue=venue, room=room, start=D(2026, 10, 1), end=D(2026, 10, 8)) == []


# --- Exceptions -----------------------------------------------------------------------


def test_closed_exception_beats_the_weekly_rule(venue):
    weekly_hours(venue)
    exception(venue, D(2026, 9, 16), "设备检修")
    days = day_map(day_schedules(venue=venue, start=D(2026, 9, 15), end=D(2026, 9, 18)))
    assert days == {
        "09-15": ("regular", "", ["09:00-21:00"]),
        "09-16": ("exception", "设备检修", []),
        "09-17": ("regular", "", ["09:00-21:00"]),
    }


def test_exception_hours_beat_the_holiday_policy(venue):
    weekly_hours(venue)
    exception(venue, D(2026, 10, 3), "国庆游园会", T(10), T(12))
    exception(venue, D(2026, 10, 3), "国庆游园会", T(14), T(16))
    days = day_map(day_schedules(venue=venue, start=D(2026, 10, 2), end=D(2026, 10, 4)))
    assert days == {
        "10-02": ("holiday", "国庆节", []),
        "10-03": ("exception", "国庆游园会", ["10:00-12:00", "14:00-16:00"]),
    }


def test_exception_beats_a_makeup_day(venue):
    weekly_hours(venue)
    exception(venue, D(2026, 10, 10), "社区选举投票点", T(7), T(22))
    result = open_intervals(venue=venue, start=D(2026, 10, 10), end=D(2026, 10, 11))
    assert spans(result) == [("10-10 07:00", "10-10 22:00")]


def test_venue_exception_applies_to_every_room(venue, room):
    weekly_hours(venue)
    weekly_hours(venue, room=room, opens=T(14), closes=T(18))
    plain_room = RoomFactory(venue=venue, name="长者空间")
    exception(venue, D(2026, 9, 16), "社区选举投票点", T(8), T(16))
    for r, expected in [(room, ("14:00", "16:00")), (plain_room, ("08:00", "16:00"))]:
        (day,) = day_schedules(venue=venue, room=r, start=D(2026, 9, 16), end=D(2026, 9, 17))
        assert (day.kind, day.label) == ("exception", "社区选举投票点")
        assert [(f"{i.start:%H:%M}", f"{i.end:%H:%M}") for i in day.intervals] == [expected]


def test_room_exception_applies_to_that_room_only(venue, room):
    weekly_hours(venue)
    other = RoomFactory(venue=venue, name="服务驿站")
    exception(venue, D(2026, 9, 16), "空调维修", room=room)
    (closed,) = day_schedules(venue=venue, room=room, start=D(2026, 9, 16), end=D(2026, 9, 17))
    assert (closed.kind, closed.label, closed.intervals) == ("exception", "空调维修", [])
    (open_,) = day_schedules(venue=venue, room=other, start=D(2026, 9, 16), end=D(2026, 9, 17))
    assert (open_.kind, len(open_.intervals)) == ("regular", 1)
    assert len(open_intervals(venue=venue, start=D(2026, 9, 16), end=D(2026, 9, 17))) == 1


def test_room_exception_is_more_specific_than_a_venue_exception(venue, room):
    weekly_hours(venue)
    exception(venue, D(2026, 9, 16), "全馆消杀")
    exception(venue, D(2026, 9, 16), "议事会（消杀后）", T(19), T(21), room=room)
    result = open_intervals(venue=venue, room=room, start=D(2026, 9, 16), end=D(2026, 9, 17))
    assert spans(result) == [("09-16 19:00", "09-16 21:00")]
    assert open_intervals(venue=venue, start=D(2026, 9, 16), end=D(2026, 9, 17)) == []


# --- Unannounced year ------------------------------------------------------------------


def test_unannounced_year_open_as_usual_keeps_weekday_hours_in_the_law_s_break(venue):
    distinct_week(venue)
    set_policy(venue, "as_usual")
    days = day_schedules(venue=venue, start=D(2027, 10, 1), end=D(2027, 10, 5))
    assert day_map(days) == {
        "10-01": ("holiday", "国庆节", ["12:00-20:00"]),  # Friday
        "10-02": ("holiday", "国庆节", ["13:00-20:00"]),
        "10-03": ("holiday", "国庆节", ["14:00-20:00"]),
        "10-04": ("regular", "", ["08:00-20:00"]),
    }
    assert [d.announced for d in days] == [False, False, False, False]
    assert day_schedules(venue=venue, start=D(2026, 10, 1), end=D(2026, 10, 2))[0].announced


# --- open_status -----------------------------------------------------------------------


def status_at(venue, *args, room=None):
    with time_machine.travel(dt.datetime(*args, tzinfo=SHANGHAI), tick=False):
        return open_status(venue=venue, room=room, at=timezone.now())


def test_open_status_open_now_says_when_it_closes(venue):
    weekly_hours(venue)
    status = status_at(venue, 2026, 9, 15, 10, 30)
    assert status.is_open
    assert status.changes_at == dt.datetime(2026, 9, 15, 21, tzinfo=SHANGHAI)
    assert status.label() == "开放中 · 21:00 关门"


def test_open_status_before_opening_today(venue):
    weekly_hours(venue)
    assert status_at(venue, 2026, 9, 15, 7, 0).label() == "已关门 · 09:00 开门"


def test_open_status_closing_time_is_exclusive(venue):
    weekly_hours(venue)
    assert status_at(venue, 2026, 9, 15, 21, 0).label() == "已关门 · 明天 09:00 开门"


def test_open_status_uses_weekday_within_a_week(venue):
    weekly_hours(venue)
    exception(venue, D(2026, 9, 18), "设备检修")
    status = status_at(venue, 2026, 9, 17, 22, 0)  # Thursday night, Friday closed
    assert status.label() == "已关门 · 周六 09:00 开门"
    assert status.opens_at == dt.datetime(2026, 9, 19, 9, tzinfo=SHANGHAI)


def test_open_status_uses_date_a_week_or_more_ahead(venue):
    weekly_hours(venue)
    status = status_at(venue, 2026, 9, 30, 22, 0)
    assert status.label() == "已关门 · 10月8日 09:00 开门"


def test_open_status_overnight(venue):
    OpeningHoursFactory(venue=venue, day=4, opens=T(18), closes=T(2), overnight=True)
    OpeningHoursFactory(venue=venue, day=5, opens=T(18), closes=T(2), overnight=True)
    assert status_at(venue, 2026, 9, 11, 23, 0).label() == "开放中 · 明天 02:00 关门"
    assert status_at(venue, 2026, 9, 12, 1, 0).label() == "开放中 · 02:00 关门"
    assert status_at(venue, 2026, 9, 12, 3, 0).label() == "已关门 · 18:00 开门"


def test_open_status_without_any_hours(venue):
    status = status_at(venue, 2026, 9, 15, 10, 0)
    assert (status.is_open, status.changes_at) == (False, None)
    assert status.label() == "暂无开放安排"


def test_open_status_always_open_has_no_change(venue):
    set_policy(venue, "as_usual")  # the look-ahead reaches the Mid-Autumn holiday
    for day in range(7):  # 00:00 -> next day 00:00
        OpeningHoursFactory(venue=venue, day=day, opens=T(0), closes=T(0), overnight=True)
    status = status_at(venue, 2026, 9, 15, 10, 0)
    assert (status.is_open, status.changes_at, status.label()) == (True, None, "开放中")


def test_open_status_for_a_room(venue, room):
    weekly_hours(venue)
    weekly_hours(venue, room=room, opens=T(14), closes=T(18))
    assert status_at(venue, 2026, 9, 15, 10, 0, room=room).label() == "已关门 · 14:00 开门"


def test_open_status_many_uses_two_queries_for_any_number_of_venues(
    venue, django_assert_num_queries
):
    weekly_hours(venue)
    others = [VenueFactory(holiday_policy="as_usual") for _ in range(4)]
    for v in others:
        weekly_hours(v, opens=T(12), closes=T(13))
    exception(others[0], D(2026, 9, 15), "设备检修")
    room = RoomFactory(venue=others[1])
    weekly_hours(others[1], room=room, opens=T(6), closes=T(7))  # rooms don't matter here
    venues = [venue, *others]
    at = dt.datetime(2026, 9, 15, 10, 30, tzinfo=SHANGHAI)
    with django_assert_num_queries(2):
        statuses = open_status_many(venues=venues, at=at)
    assert {pk: s.label() for pk, s in statuses.items()} == {
        venue.pk: "开放中 · 21:00 关门",
        others[0].pk: "已关门 · 明天 12:00 开门",
        others[1].pk: "已关门 · 12:00 开门",
        others[2].pk: "已关门 · 12:00 开门",
        others[3].pk: "已关门 · 12:00 开门",
    }
    for v in venues:
        assert statuses[v.pk] == open_status(venue=v, at=at)


def test_open_status_many_of_nothing_queries_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert open_status_many(venues=[], at=dt.datetime(2026, 9, 15, tzinfo=SHANGHAI)) == {}


# --- Queries and rules reuse ---------------------------------------------------------


def test_each_call_fetches_rows_once_however_long_the_range(venue, room, django_assert_num_queries):
    weekly_hours(venue)
    exception(venue, D(2026, 10, 20), "设备检修")
    with django_assert_num_queries(2):
        days = day_schedules(venue=venue, room=room, start=D(2026, 9, 1), end=D(2026, 12, 1))
    assert len(days) == 91


def test_prefetched_rules_serve_every_room_without_queries(venue, django_assert_num_queries):
    weekly_hours(venue)
    rooms = [RoomFactory(venue=venue, name=f"室{i}") for i in range(3)]
    weekly_hours(venue, room=rooms[0], opens=T(14), closes=T(15))
    start, end = D(2026, 9, 7), D(2026, 9, 14)
    with django_assert_num_queries(2):
        rules = load_rules(venue=venue, start=start, end=end)
    with django_assert_num_queries(0):
        hours = [
            sum(
                i.hours
                for i in open_intervals(venue=venue, room=r, start=start, end=end, rules=rules)
            )
            for r in rooms
        ]
    assert hours == [7.0, 84.0, 84.0]


def test_rules_for_another_range_or_venue_are_refused(venue, room):
    rules = load_rules(venue=venue, start=D(2026, 9, 14), end=D(2026, 9, 21))
    with pytest.raises(ValueError):
        open_intervals(venue=venue, start=D(2026, 9, 14), end=D(2026, 9, 30), rules=rules)
    with pytest.raises(ValueError):
        open_intervals(venue=VenueFactory(), start=D(2026, 9, 14), end=D(2026, 9, 15), rules=rules)
    with pytest.raises(ValueError):
        open_intervals(venue=VenueFactory(), room=room, start=D(2026, 9, 14), end=D(2026, 9, 15))


def test_absurd_dates_get_a_domain_error(venue):
    with pytest.raises(DomainError) as excinfo:
        open_intervals(venue=venue, start=D(9999, 12, 30), end=D(9999, 12, 31))
    assert excinfo.value.code == "date_out_of_range"
    with pytest.raises(DomainError):
        open_status(venue=venue, at=dt.datetime(1, 1, 1, 12, tzinfo=dt.UTC))


# --- Time zones -----------------------------------------------------------------------


def test_urumqi_venue_computes_in_its_own_zone(db):
    urumqi = ZoneInfo("Asia/Urumqi")
    venue = VenueFactory(time_zone="Asia/Urumqi")
    weekly_hours(venue)
    # 10:30 in Beijing is 08:30 in Urumqi.
    status = open_status(venue=venue, at=dt.datetime(2026, 9, 15, 10, 30, tzinfo=SHANGHAI))
    assert status.changes_at == dt.datetime(2026, 9, 15, 9, tzinfo=urumqi)
    assert status.label() == "已关门 · 09:00 开门"
    (interval,) = open_intervals(venue=venue, start=D(2026, 9, 15), end=D(2026, 9, 16))
    assert interval.start == dt.datetime(2026, 9, 15, 3, tzinfo=dt.UTC)
    assert interval.start.tzinfo == urumqi


def test_berlin_venue_across_daylight_saving_changes(db):
    venue = VenueFactory(time_zone="Europe/Berlin")
    weekly_hours(venue)
    OpeningHoursFactory(venue=venue, day=5, opens=T(22), closes=T(6), overnight=True)
    # Clocks go forward on Sunday 2026-03-29: Saturday night is an hour shorter.
    result = open_intervals(venue=venue, start=D(2026, 3, 28), end=D(2026, 3, 30))
    assert spans(result) == [
        ("03-28 09:00", "03-28 21:00"),
        ("03-28 22:00", "03-29 06:00"),
        ("03-29 09:00", "03-29 21:00"),
    ]
    assert [i.hours for i in result] == [12.0, 7.0, 12.0]
    assert result[1].end.utcoffset() == dt.timedelta(hours=2)
    # And back on Sunday 2026-10-25: an hour longer.
    (night,) = [
        i
        for i in open_intervals(venue=venue, start=D(2026, 10, 24), end=D(2026, 10, 26))
        if i.start.hour == 22
    ]
    assert night.hours == 9.0


# --- Validation -----------------------------------------------------------------------


def test_validation_accepts_touching_and_overnight_intervals():
    assert (
        day_interval_problems([(T(9), T(12), False), (T(12), T(18), False), (T(18), T(2), True)])
        == []
    )


def test_validation_rejects_close_before_open_unless_overnight():
    problems = day_interval_problems([(T(9), T(12), False), (T(20), T(2), False)])
    assert [(p.index, p.code) for p in problems] == [(1, "close_before_open")]
    problems = day_interval_problems([(T(9), T(12), True)])
    assert [(p.index, p.code) for p in problems] == [(0, "overnight_too_long")]


def test_validation_rejects_overlaps_within_a_day():
    problems = day_interval_problems([(T(14), T(18), False), (T(9), T(15), False)])
    assert [(p.index, p.code) for p in problems] == [(0, "overlap")]
    full_day = day_interval_problems([(T(0), T(0), True), (T(9), T(10), False)])
    assert [(p.index, p.code) for p in full_day] == [(1, "overlap")]


def test_validation_rejects_overnight_spill_into_the_next_days_first_interval():
    friday = [(T(18), T(10), True)]
    problems = day_interval_problems(friday, next_day=[(T(9), T(21), False)])
    assert [(p.index, p.code) for p in problems] == [(0, "overlap")]
    assert day_interval_problems(friday, next_day=[(T(10), T(21), False)]) == []


def test_validate_day_intervals_raises_a_domain_error_with_fields():
    with pytest.raises(DomainError) as excinfo:
        validate_day_intervals(
            [(T(9), T(12), False), (T(11), T(10), False)], field_prefix=["rules.3", "rules.4"]
        )
    assert excinfo.value.code == "close_before_open"
    assert list(excinfo.value.fields) == ["rules.4"]
    with pytest.raises(DomainError) as excinfo:
        validate_day_intervals(
            [(T(9), T(12), False), (T(11), T(13), False)], field_prefix="intervals"
        )
    assert excinfo.value.code == "overlap"
    assert list(excinfo.value.fields) == ["intervals.1"]
    assert validate_day_intervals([(T(9), T(12), False)]) is None
