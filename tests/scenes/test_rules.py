import datetime as dt

import pytest

from linli.errors import DomainError
from scenes.booking_rules import KIND_DEFAULTS, kind_defaults
from scenes.models import Scene
from scenes.rules import (
    effective_rules,
    scene_problems,
    validate_scene,
    window_minutes,
)
from tests.factories import RoomFactory, VenueFactory

T = dt.time


def values(**overrides):
    base = {
        "kind": "public",
        "name": "公益时段",
        "all_rooms": True,
        "weekdays": 0b1111111,
        "starts": T(9),
        "ends": T(18),
        "overnight": False,
        "valid_from": dt.date(2026, 9, 1),
        "valid_until": None,
        "day_filter": "all",
        "one_off_date": None,
        **KIND_DEFAULTS["public"],
    }
    base.update(overrides)
    return base


def codes(**overrides):
    return [p.code for p in scene_problems(values(**overrides), venue_id=1)]


def test_defaults_per_kind():
    assert kind_defaults("public")["price_per_hour_fen"] == 0
    assert kind_defaults("public")["max_duration_minutes"] == 180
    assert kind_defaults("public")["requires_approval"] is False
    assert kind_defaults("commercial")["price_per_hour_fen"] == 2000
    assert kind_defaults("closed")["who_may_book"] == "walk_in"


def test_unknown_kind_is_a_field_error():
    with pytest.raises(DomainError) as exc:
        kind_defaults("party")
    assert exc.value.fields == {"kind": ["请选择有效的场景类型。"]}


def test_valid_values_have_no_problems():
    assert codes() == []


def test_max_below_min_duration():
    assert codes(min_duration_minutes=120, max_duration_minutes=60) == ["duration_range"]


def test_slot_not_dividing_the_window():
    assert codes(slot_minutes=60, min_duration_minutes=60, starts=T(9), ends=T(17, 30)) == [
        "slot_misaligned"
    ]


def test_slot_not_dividing_the_durations():
    assert codes(slot_minutes=45, min_duration_minutes=60, max_duration_minutes=90) == [
        "slot_misaligned"
    ]


def test_overnight_window_length_counts_for_the_slot():
    assert window_minutes(T(18), T(0, 30), True) == 390
    assert (
        codes(
            kind="commercial",
            **kind_defaults("commercial"),
            starts=T(18),
            ends=T(0, 30),
            overnight=True,
        )
        == []
    )
    assert codes(
        slot_minutes=60, min_duration_minutes=60, starts=T(18), ends=T(0, 30), overnight=True
    ) == ["slot_misaligned"]


def test_price_on_a_public_scene():
    problems = scene_problems(values(price_per_hour_fen=500), venue_id=1)
    assert [(p.field, p.code, p.message) for p in problems] == [
        ("price_per_hour_fen", "public_price", "公益时段不能收费，价格须为 0。")
    ]


def test_end_before_start_unless_overnight():
    assert codes(starts=T(18), ends=T(9)) == ["end_before_start"]
    assert codes(starts=T(18), ends=T(18)) == ["end_before_start"]
    assert codes(starts=T(18), ends=T(9), overnight=True, min_duration_minutes=30) == []
    assert codes(starts=T(9), ends=T(18), overnight=True) == ["overnight_mismatch"]


def test_empty_weekday_set():
    assert codes(weekdays=0) == ["no_weekdays"]


def test_one_off_scene_needs_no_weekdays():
    assert codes(weekdays=0, one_off_date=dt.date(2026, 10, 1)) == []


def test_valid_until_before_valid_from():
    assert codes(valid_until=dt.date(2026, 8, 1)) == ["invalid_range"]


def test_minimum_longer_than_the_window():
    assert codes(starts=T(9), ends=T(10), min_duration_minutes=120, max_duration_minutes=120) == [
        "duration_exceeds_window"
    ]


def test_rooms_must_belong_to_the_venue(db):
    venue = VenueFactory()
    elsewhere = RoomFactory(name="别处的房间")
    problems = scene_problems(values(all_rooms=False), venue_id=venue.pk, rooms=[elsewhere])
    assert [(p.code, p.message) for p in problems] == [
        ("room_not_in_venue", "功能室不属于该场馆：别处的房间")
    ]
    problems = scene_problems(values(all_rooms=False), venue_id=venue.pk, rooms=[])
    assert [p.code for p in problems] == ["no_rooms"]


def test_validate_reports_every_problem_with_its_field():
    with pytest.raises(DomainError) as exc:
        validate_scene(
            values(weekdays=0, price_per_hour_fen=100, starts=T(18), ends=T(9)), venue_id=1
        )
    error = exc.value
    assert error.status == 422
    assert error.code == "end_before_start"
    assert error.codes == ["end_before_start", "no_weekdays", "public_price"]
    assert set(error.fields) == {"ends", "weekdays", "price_per_hour_fen"}


def test_effective_rules_cap_people_at_room_capacity(db):
    room = RoomFactory(capacity=8)
    scene = Scene(kind="commercial", **kind_defaults("commercial"))
    scene.max_people_per_booking = 20
    rules = effective_rules(scene, room)
    assert rules.max_people_per_booking == 8
    assert rules.bookable is True
    assert rules.price_per_hour_fen == 2000
    scene.max_people_per_booking = None
    assert effective_rules(scene, room).max_people_per_booking == 8
    scene.max_people_per_booking = 4
    assert effective_rules(scene, room).max_people_per_booking == 4


def test_nothing_is_bookable_in_closed_scenes_or_walk_in_rooms(db):
    scene = Scene(kind="closed", **kind_defaults("closed"))
    rules = effective_rules(scene, RoomFactory())
    assert (rules.bookable, rules.who_may_book) == (False, "walk_in")
    public = Scene(kind="public", **kind_defaults("public"))
    walk_in_room = RoomFactory(is_bookable=False)
    assert effective_rules(public, walk_in_room).bookable is False
    assert effective_rules(public, RoomFactory()).as_dict()["who_may_book"] == "residents"
