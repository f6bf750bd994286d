import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from scenes.resolution import (
    room_timeline,
    scene_clipping,
    venue_clipping,
    venue_now,
    venue_timelines,
)
from spaces.models import OpeningHours
from tests.factories import RoomFactory, make_scene, weekly_hours

SH = ZoneInfo("Asia/Shanghai")
T = dt.time
D = dt.date


def compact(segments):
    """(start, end, state, scene name) with times as "MM-DD HH:MM" in Shanghai."""
    return [
        (
            f"{s.start.astimezone(SH):%m-%d %H:%M}",
            f"{s.end.astimezone(SH):%m-%d %H:%M}",
            s.state,
            s.scene.name if s.scene else None,
        )
        for s in segments
    ]


@pytest.fixture
def teahouse(venue):
    venue.holiday_policy = "as_usual"
    venue.save()
    weekly_hours(venue, T(9), T(22))
    return venue


def test_working_day_scenes_follow_make_up_days_and_holidays(teahouse, room):
    make_scene(teahouse, name="公益时段", day_filter="working")
    make_scene(teahouse, kind="commercial", name="周末商业", day_filter="non_working")
    make_scene(teahouse, kind="commercial", name="晚间商业", starts=T(18), ends=T(22))

    # 2026-09-20 is a Sunday worked for the National Day break: a working day.
    assert compact(room_timeline(room=room, start=D(2026, 9, 20), end=D(2026, 9, 21))) == [
        ("09-20 00:00", "09-20 09:00", "closed", None),
        ("09-20 09:00", "09-20 18:00", "scene", "公益时段"),
        ("09-20 18:00", "09-20 22:00", "scene", "晚间商业"),
        ("09-20 22:00", "09-21 00:00", "closed", None),
    ]
    # 2026-10-01, a Thursday, is National Day: not a working day.
    assert compact(room_timeline(room=room, start=D(2026, 10, 1), end=D(2026, 10, 2)))[1:3] == [
        ("10-01 09:00", "10-01 18:00", "scene", "周末商业"),
        ("10-01 18:00", "10-01 22:00", "scene", "晚间商业"),
    ]
    # An ordinary Saturday.
    assert compact(room_timeline(room=room, start=D(2026, 9, 19), end=D(2026, 9, 20)))[1] == (
        "09-19 09:00",
        "09-19 18:00",
        "scene",
        "周末商业",
    )


def test_weekday_scene_runs_on_a_make_up_day_as_on_the_paired_weekday(teahouse, room):
    # Monday-Friday only; 2026-09-20 (Sunday) is worked for Tuesday 2026-10-06.
    make_scene(teahouse, name="工作日公益", weekdays=0b0011111)
    segments = compact(room_timeline(room=room, start=D(2026, 9, 20), end=D(2026, 9, 21)))
    assert segments[1] == ("09-20 09:00", "09-20 18:00", "scene", "工作日公益")
    saturday = compact(room_timeline(room=room, start=D(2026, 9, 26), end=D(2026, 9, 27)))
    assert saturday[1] == ("09-26 09:00", "09-26 22:00", "open", None)


def test_one_off_scene_overrides_a_recurring_one_while_it_runs(teahouse, room):
    make_scene(teahouse, name="公益时段", starts=T(9), ends=T(22))
    make_scene(
        teahouse,
        kind="commercial",
        name="中秋晚会",
        starts=T(19),
        ends=T(21),
        one_off_date=D(2026, 9, 25),
        valid_from=D(2026, 9, 25),
        valid_until=D(2026, 9, 25),
    )
    assert compact(room_timeline(room=room, start=D(2026, 9, 25), end=D(2026, 9, 26))) == [
        ("09-25 00:00", "09-25 09:00", "closed", None),
        ("09-25 09:00", "09-25 19:00", "scene", "公益时段"),
        ("09-25 19:00", "09-25 21:00", "scene", "中秋晚会"),
        ("09-25 21:00", "09-25 22:00", "scene", "公益时段"),
        ("09-25 22:00", "09-26 00:00", "closed", None),
    ]
    # The next day is untouched.
    assert compact(room_timeline(room=room, start=D(2026, 9, 26), end=D(2026, 9, 27)))[1] == (
        "09-26 09:00",
        "09-26 22:00",
        "scene",
        "公益时段",
    )


@time_machine.travel(dt.datetime(2026, 9, 28, 10, tzinfo=SH), tick=False)
def test_scene_is_clipped_at_closing_time_and_flagged(venue, room):
    weekly_hours(venue, T(9), T(21))
    scene = make_scene(venue, kind="commercial", starts=T(18), ends=T(22))
    segments = compact(room_timeline(room=room, start=D(2026, 9, 30), end=D(2026, 10, 1)))
    assert segments[2:] == [
        ("09-30 18:00", "09-30 21:00", "scene", "商业时段"),
        ("09-30 21:00", "10-01 00:00", "closed", None),
    ]
    notes = scene_clipping(scene=scene, start=D(2026, 9, 30), end=D(2026, 10, 2))
    assert [n.message for n in notes] == [
        "“商业时段”在 9月30日 超出开放时间，已截断",
        # The venue closes for the National Day break (holiday policy "closed").
        "“商业时段”在 10月1日 不在开放时间内，未生效",
    ]
    assert [(i.start.strftime("%H:%M"), i.end.strftime("%H:%M")) for i in notes[0].outside] == [
        ("21:00", "22:00")
    ]


def test_clipping_names_only_the_rooms_that_close_earlier(venue, room):
    weekly_hours(venue, T(9), T(22))
    early = RoomFactory(venue=venue, name="长者空间")
    weekly_hours(venue, T(9), T(17), room=early)
    make_scene(venue, name="公益时段", starts=T(9), ends=T(18))
    notes = venue_clipping(venue=venue, start=D(2026, 9, 28), end=D(2026, 9, 29))
    assert [n.message for n in notes] == ["“公益时段（长者空间）”在 9月28日 超出开放时间，已截断"]


def test_all_day_scene_is_not_flagged_for_being_cut_to_hours(venue, room):
    weekly_hours(venue, T(9), T(21))
    make_scene(venue, kind="commercial", name="咖啡吧台", starts=T(0), ends=T(0), overnight=True)
    assert venue_clipping(venue=venue, start=D(2026, 9, 28), end=D(2026, 9, 29)) == []
    assert compact(room_timeline(room=room, start=D(2026, 9, 28), end=D(2026, 9, 29)))[1] == (
        "09-28 09:00",
        "09-28 21:00",
        "scene",
        "咖啡吧台",
    )


def test_overnight_hours_and_overnight_scene(venue, room):
    weekly_hours(venue, T(9), T(22), days=range(5))
    for day in (5, 6):  # Saturday and Sunday open until 00:30 the next morning
        OpeningHours.objects.create(
            venue=venue, day=day, opens=T(9), closes=T(0, 30), overnight=True
        )
    make_scene(venue, name="公益时段", starts=T(9), ends=T(18))
    make_scene(
        venue,
        kind="commercial",
        name="夜间商业",
        starts=T(18),
        ends=T(0, 30),
        overnight=True,
        day_filter="non_working",
    )
    # Saturday 2026-10-17 into Sunday, and Sunday into Monday.
    assert compact(room_timeline(room=room, start=D(2026, 10, 17), end=D(2026, 10, 19))) == [
        ("10-17 00:00", "10-17 09:00", "closed", None),
        ("10-17 09:00", "10-17 18:00", "scene", "公益时段"),
        ("10-17 18:00", "10-18 00:30", "scene", "夜间商业"),
        ("10-18 00:30", "10-18 09:00", "closed", None),
        ("10-18 09:00", "10-18 18:00", "scene", "公益时段"),
        ("10-18 18:00", "10-19 00:00", "scene", "夜间商业"),
    ]
    # A range starting on Monday still sees Sunday night's spill.
    assert compact(room_timeline(room=room, start=D(2026, 10, 19), end=D(2026, 10, 20)))[:2] == [
        ("10-19 00:00", "10-19 00:30", "scene", "夜间商业"),
        ("10-19 00:30", "10-19 09:00", "closed", None),
    ]


def test_all_rooms_and_chosen_rooms(venue, room):
    weekly_hours(venue, T(9), T(21))
    cafe = RoomFactory(venue=venue, name="咖啡吧台")
    make_scene(venue, name="公益时段", rooms=[room])
    make_scene(venue, kind="commercial", name="咖啡", rooms=[cafe], starts=T(9), ends=T(21))
    make_scene(venue, kind="commercial", name="晚间", starts=T(18), ends=T(21), weekdays=0b0010000)
    timelines = venue_timelines(venue=venue, start=D(2026, 10, 16), end=D(2026, 10, 17))
    assert compact(timelines[room.pk])[1:3] == [
        ("10-16 09:00", "10-16 18:00", "scene", "公益时段"),
        ("10-16 18:00", "10-16 21:00", "scene", "晚间"),
    ]
    assert compact(timelines[cafe.pk])[1] == ("10-16 09:00", "10-16 21:00", "scene", "咖啡")


def test_closed_scene_makes_open_time_closed_for_use(venue, room):
    weekly_hours(venue, T(9), T(21))
    make_scene(venue, name="公益时段", starts=T(9), ends=T(21))
    make_scene(
        venue,
        kind="closed",
        name="设备检修",
        starts=T(14),
        ends=T(16),
        one_off_date=D(2026, 9, 29),
        valid_from=D(2026, 9, 29),
    )
    segments = room_timeline(room=room, start=D(2026, 9, 29), end=D(2026, 9, 30))
    closed = segments[2]
    assert compact([closed]) == [("09-29 14:00", "09-29 16:00", "closed", "设备检修")]
    assert closed.reason == "设备检修"
    assert closed.rules is None
    assert segments[0].reason == "不在开放时间"


def test_segments_carry_effective_rules(venue):
    weekly_hours(venue, T(9), T(21))
    small = RoomFactory(venue=venue, capacity=6)
    make_scene(venue, kind="commercial", max_people_per_booking=10)
    segment = room_timeline(room=small, start=D(2026, 9, 28), end=D(2026, 9, 29))[1]
    assert segment.rules.max_people_per_booking == 6
    assert segment.rules.price_per_hour_fen == 2000
    assert segment.rules.bookable is True


def test_scene_outside_its_date_range_does_not_apply(venue, room):
    weekly_hours(venue, T(9), T(21))
    make_scene(venue, valid_from=D(2026, 9, 29), valid_until=D(2026, 9, 29))
    states = [
        s.state
        for s in room_timeline(room=room, start=D(2026, 9, 28), end=D(2026, 10, 1))
        if s.is_open
    ]
    assert states == ["open", "scene", "open", "open"]


def test_venue_timelines_use_a_constant_number_of_queries(venue, django_assert_num_queries):
    weekly_hours(venue, T(9), T(21))
    rooms = [RoomFactory(venue=venue) for _ in range(4)]
    make_scene(venue, rooms=rooms[:2])
    make_scene(venue, kind="commercial", starts=T(18), ends=T(21), rooms=rooms[2:])
    make_scene(venue, kind="closed", one_off_date=D(2026, 10, 8), valid_from=D(2026, 10, 8))
    # rooms, the schedule token, then (cache miss) hours, exceptions, scenes, scene rooms
    with django_assert_num_queries(6):
        timelines = venue_timelines(venue=venue, start=D(2026, 9, 1), end=D(2026, 10, 31))
    assert set(timelines) == {r.pk for r in rooms}
    more = [RoomFactory(venue=venue) for _ in range(6)]  # new rooms: a new token
    with django_assert_num_queries(6):
        timelines = venue_timelines(venue=venue, start=D(2026, 9, 1), end=D(2026, 10, 31))
    assert len(timelines) == len(rooms) + len(more)
    with django_assert_num_queries(2):  # rooms and the token: the schedule is cached
        timelines = venue_timelines(venue=venue, start=D(2026, 9, 1), end=D(2026, 10, 31))
    assert len(timelines) == len(rooms) + len(more)


def test_venue_now_gives_current_and_next_segment_per_room(venue, room):
    weekly_hours(venue, T(9), T(22))
    make_scene(venue, name="公益时段", starts=T(9), ends=T(18))
    make_scene(venue, kind="commercial", name="商业时段", starts=T(18), ends=T(22))
    now = venue_now(venue=venue, at=dt.datetime(2026, 9, 28, 15, tzinfo=SH))
    assert len(now) == 1
    assert now[0].room == room
    assert now[0].is_open is True
    assert compact([now[0].current, now[0].next]) == [
        ("09-28 09:00", "09-28 18:00", "scene", "公益时段"),
        ("09-28 18:00", "09-28 22:00", "scene", "商业时段"),
    ]
    late = venue_now(venue=venue, at=dt.datetime(2026, 9, 28, 23, tzinfo=SH))[0]
    assert late.is_open is False
    assert compact([late.next]) == [("09-29 09:00", "09-29 18:00", "scene", "公益时段")]


def test_one_off_scene_past_closing_time_is_flagged_on_its_date_only(venue, room):
    weekly_hours(venue, T(9), T(21))
    special = make_scene(
        venue,
        kind="commercial",
        name="中秋晚会",
        starts=T(19),
        ends=T(22),
        one_off_date=D(2026, 10, 9),
        valid_from=D(2026, 10, 9),
    )
    notes = scene_clipping(scene=special, start=D(2026, 10, 5), end=D(2026, 10, 12))
    assert [(n.date, n.message) for n in notes] == [
        (D(2026, 10, 9), "“中秋晚会”在 10月9日 超出开放时间，已截断")
    ]
