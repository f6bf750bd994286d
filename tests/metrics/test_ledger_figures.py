"""The same history gives the same figures whether it was recorded in Linli or imported
from a ledger (台账, bookings.ledger).

Two venues with the same hours, scenes and rooms. In one the history is written as the
app writes it (bookings with their windows, check-ins with the resident's pseudonym,
ratings); the other imports the same history from a CSV, residents known only by phone.
Every figure of metrics_for must be equal.
"""

import dataclasses
import datetime as dt

import pytest
import time_machine

from bookings.ledger import ledger_import
from bookings.models import CheckIn, Rating
from tests.factories import (
    ResidentFactory,
    RoomFactory,
    VenueFactory,
    make_booking,
    make_scene,
    weekly_hours,
)
from tests.metrics.helpers import at, d, figures

pytestmark = pytest.mark.django_db

# (kind, phone, day, start, end, status, check-in, people/score)
HISTORY = [
    ("预约", 1, 10, "10:00", "11:00", "已完成", "09:55", 3),
    ("预约", 2, 12, "18:00", "19:30", "已取消", "", 4),
    ("预约", 3, 13, "14:00", "15:00", "未到场", "", 2),
    ("预约", 1, 20, "10:00", "12:00", "已完成", "10:05", 2),
    ("预约", 3, 24, "09:00", "10:00", "已确认", "", 2),  # never checked in: a no-show on read
    ("签到", 2, 11, "", "", "", "15:20", None),
    ("签到", 1, 25, "", "", "", "16:40", None),
    ("到场人数", None, 11, "", "", "", "16:00", 25),
    ("评价", 1, 10, "", "", "", "", 5),
    ("评价", 2, 11, "", "", "", "", 4),
]
STATUS = {"已完成": "completed", "已取消": "cancelled", "未到场": "no_show", "已确认": "confirmed"}


def setting_up(name):
    venue = VenueFactory(name=name)
    room = RoomFactory(venue=venue, name="议事茶亭")
    RoomFactory(venue=venue, name="社区书屋", is_bookable=False)
    weekly_hours(venue)
    make_scene(venue, kind="public", ends=dt.time(18))
    make_scene(venue, kind="commercial", name="夜间茶座", starts=dt.time(18), ends=dt.time(21))
    return venue, room


def hm(text):
    return dt.time(*map(int, text.split(":")))


def recorded_in_the_app(venue, room):
    from bookings.visitors import visitor_key

    residents = {n: ResidentFactory() for n in (1, 2, 3)}
    for i, (kind, who, day, start, end, status, checkin, extra) in enumerate(HISTORY):
        resident = residents.get(who)
        key = visitor_key(resident) if resident else None
        date = d(11, day)
        if kind == "预约":
            s = dt.datetime.combine(date, hm(start), tzinfo=venue.zone)
            e = dt.datetime.combine(date, hm(end), tzinfo=venue.zone)
            booking = make_booking(
                room,
                s,
                resident=resident,
                hours=(e - s).total_seconds() / 3600,
                status=STATUS[status],
                code=f"{i:06d}",
                people=extra,
                visitor=key,
            )
            if checkin:
                CheckIn.objects.create(
                    venue=venue,
                    room=room,
                    resident=resident,
                    visitor=key,
                    kind="booking",
                    booking=booking,
                    local_date=date,
                    at=dt.datetime.combine(date, hm(checkin), tzinfo=venue.zone),
                )
        elif kind in ("签到", "到场人数"):
            CheckIn.objects.create(
                venue=venue,
                room=None if kind == "签到" else venue.rooms.get(name="社区书屋"),
                resident=resident,
                visitor=key,
                kind="walk_in",
                local_date=date,
                headcount=extra or 1,
                at=dt.datetime.combine(date, hm(checkin), tzinfo=venue.zone),
            )
        else:
            Rating.objects.create(
                venue=venue,
                resident=resident,
                visitor=key,
                local_date=date,
                score=extra,
                created_at=dt.datetime.combine(date, dt.time(23, 59), tzinfo=venue.zone),
            )


def ledger_csv(venue_name):
    head = "类型,场馆,功能室,电话,日期,开始时间,结束时间,状态,签到时间,人数,评分\n"
    rows = []
    for kind, who, day, start, end, status, checkin, extra in HISTORY:
        phone = f"1390000000{who}" if who else ""
        room = {"预约": "议事茶亭", "到场人数": "社区书屋"}.get(kind, "")
        people = extra if kind in ("预约", "到场人数") else ""
        score = extra if kind == "评价" else ""
        rows.append(
            f"{kind},{venue_name},{room},{phone},2026-11-{day:02d},{start},{end},{status},"
            f"{checkin},{people},{score}"
        )
    return (head + "\n".join(rows) + "\n").encode("utf-8")


def test_imported_history_gives_the_figures_recorded_history_gives():
    with time_machine.travel(at(10, 1, 9), tick=False):  # set up well before the period
        app_venue, app_room = setting_up("五福茶馆")
        ledger_venue, _room = setting_up("邻里茶馆")
    with time_machine.travel(at(12, 1, 10), tick=False):
        recorded_in_the_app(app_venue, app_room)
        report = ledger_import(user=None, file=ledger_csv("邻里茶馆"))
        assert report is not None
        recorded = figures([app_venue], d(11, 2), d(11, 30))
        imported = figures([ledger_venue], d(11, 2), d(11, 30))
    assert dataclasses.asdict(imported) == dataclasses.asdict(recorded)
    # And the figures say what the history says (hand-counted):
    assert recorded.visits == 4  # R1 11-10, R2 11-11, R1 11-20, R1 11-25
    assert recorded.walk_in_headcount == 25
    assert recorded.unique_visitors == 2
    assert recorded.repeat_visit_rate == 0.5  # R1 on three dates, R2 on one
    # Confirmed and ended in the period: R1 x2 (checked in), R3 11-13 and 11-24 (no-shows).
    assert recorded.show_rate == 0.5
    assert recorded.satisfaction.count == 2 and recorded.satisfaction.mean == 4.5
    # Booked (confirmed) time: 1 + 1 + 2 + 1 = 5 h of the room's bookable hours.
    assert recorded.utilisation == pytest.approx(5 / recorded.bookable_room_hours)
