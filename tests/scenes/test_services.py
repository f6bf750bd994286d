import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from linli.errors import Conflict, DomainError, PermissionDenied
from scenes.impact import ImpactItem, register_impact_provider, unregister_impact_provider
from scenes.models import Scene
from scenes.services.scenes import scene_create, scene_delete, scene_update
from tests.factories import RoomFactory, UserFactory, VenueFactory, VenueRoleFactory, weekly_hours

SH = ZoneInfo("Asia/Shanghai")
T = dt.time
D = dt.date
FRIDAY, TUESDAY = 0b0010000, 0b0000010
SATURDAY, SUNDAY = 0b0100000, 0b1000000


def create(operator, venue, **fields):
    values = {
        "kind": "public",
        "name": "公益时段",
        "starts": T(9),
        "ends": T(18),
        "valid_from": D(2026, 9, 1),
    }
    values.update(fields)
    return scene_create(user=operator, venue=venue, **values)


def test_create_fills_in_the_kind_defaults(operator, venue):
    scene = create(operator, venue, kind="commercial", name="商业时段", starts=T(18), ends=T(22))
    scene.refresh_from_db()
    assert (scene.price_per_hour_fen, scene.min_duration_minutes, scene.all_rooms) == (
        2000,
        60,
        True,
    )
    assert scene.created_by == operator
    assert list(scene.rooms.all()) == []


def test_create_for_chosen_rooms(operator, venue, room):
    other = RoomFactory(venue=venue, name="长者空间")
    scene = create(operator, venue, rooms=[room.pk])
    assert scene.all_rooms is False
    assert list(scene.rooms.all()) == [room]
    assert list(other.scenes.all()) == []


def test_only_operators_of_the_venue_may_create(venue, db):
    elsewhere = UserFactory(username="other-operator")
    VenueRoleFactory(user=elsewhere, venue=VenueFactory(name="别的场馆"))
    with pytest.raises(PermissionDenied) as exc:
        create(elsewhere, venue)
    assert exc.value.code == "not_venue_operator"
    assert Scene.objects.count() == 0


def test_contradicting_rules_save_nothing(operator, venue):
    with pytest.raises(DomainError) as exc:
        create(operator, venue, min_duration_minutes=120, max_duration_minutes=60)
    assert exc.value.code == "duration_range"
    assert exc.value.fields == {
        "max_duration_minutes": ["最长时长（60 分钟）不能短于最短时长（120 分钟）。"]
    }
    assert Scene.objects.count() == 0


def test_rooms_of_another_venue_are_rejected(operator, venue):
    foreign = RoomFactory(venue=VenueFactory(name="别的场馆"), name="外面的房间")
    with pytest.raises(DomainError) as exc:
        create(operator, venue, rooms=[foreign])
    assert exc.value.code == "room_not_in_venue"
    assert Scene.objects.count() == 0


def test_unknown_fields_are_refused(operator, venue):
    with pytest.raises(DomainError) as exc:
        create(operator, venue, venue_id=3)
    assert exc.value.fields == {"venue_id": ["不能设置此字段。"]}


def test_overlap_is_rejected_naming_both_scenes(operator, venue):
    create(
        operator,
        venue,
        kind="commercial",
        name="商业时段（晚间）",
        starts=T(18),
        ends=T(22),
        weekdays=FRIDAY,
    )
    with pytest.raises(Conflict) as exc:
        create(operator, venue, name="夜场公益", starts=T(17), ends=T(20))
    error = exc.value
    assert (error.status, error.code) == (409, "scene_overlap")
    assert (
        error.message
        == "“夜场公益”与“商业时段（晚间）”在 周五 18:00-20:00 重叠，请调整日期、时间或功能室。"
    )
    assert error.as_dict()["overlaps"][0]["name"] == "商业时段（晚间）"
    assert Scene.objects.count() == 1


def test_working_and_non_working_scenes_do_not_overlap(operator, venue):
    create(operator, venue, name="工作日", day_filter="working")
    create(operator, venue, name="休息日", kind="commercial", day_filter="non_working")
    with pytest.raises(Conflict) as exc:
        create(operator, venue, name="每天", starts=T(17), ends=T(19))
    assert "“每天”与“工作日”" in exc.value.message


def test_a_tuesday_scene_runs_on_the_sunday_worked_for_a_tuesday(operator, venue):
    # 2026-09-20 (Sunday) is worked for Tuesday 2026-10-06: Tuesday's scenes run on it.
    create(
        operator,
        venue,
        name="周二活动",
        weekdays=TUESDAY,
        valid_from=D(2026, 9, 19),
        valid_until=D(2026, 9, 21),
    )
    with pytest.raises(Conflict) as exc:
        create(
            operator,
            venue,
            name="调休日",
            day_filter="working",
            valid_from=D(2026, 9, 20),
            valid_until=D(2026, 9, 20),
        )
    assert exc.value.as_dict()["overlaps"][0]["date"] == "2026-09-20"
    assert "“调休日”与“周二活动”在 周日 09:00-18:00 重叠" in exc.value.message
    # A Sunday-only scene does not run that day, so it meets no working-day scene.
    create(operator, venue, name="周日活动", weekdays=SUNDAY, valid_from=D(2026, 9, 14))
    create(operator, venue, name="工作日", day_filter="working", valid_from=D(2026, 9, 21))


def test_chosen_rooms_overlap_only_when_they_share_a_room(operator, venue, room):
    cafe = RoomFactory(venue=venue, name="咖啡吧台")
    create(operator, venue, name="议事", rooms=[room])
    create(operator, venue, name="咖啡", kind="commercial", rooms=[cafe])
    with pytest.raises(Conflict) as exc:
        create(operator, venue, name="全馆", starts=T(10), ends=T(11))
    assert exc.value.code == "scene_overlap"


def test_date_ranges_that_do_not_meet_do_not_overlap(operator, venue):
    create(operator, venue, name="九月", valid_until=D(2026, 9, 30))
    create(operator, venue, name="十月起", valid_from=D(2026, 10, 1))
    assert Scene.objects.count() == 2


def test_overnight_scene_overlaps_the_next_mornings_scene(operator, venue):
    create(
        operator,
        venue,
        kind="commercial",
        name="周六夜场",
        starts=T(18),
        ends=T(0, 30),
        overnight=True,
        weekdays=SATURDAY,
    )
    with pytest.raises(Conflict) as exc:
        create(operator, venue, name="周日早场", starts=T(0), ends=T(2), weekdays=SUNDAY)
    assert exc.value.message == (
        "“周日早场”与“周六夜场”在 周日 00:00-00:30 重叠，请调整日期、时间或功能室。"
    )


@time_machine.travel(dt.datetime(2026, 9, 28, 10, tzinfo=SH), tick=False)
def test_one_off_beats_recurring_but_not_another_one_off(operator, venue):
    create(operator, venue, name="公益时段", starts=T(9), ends=T(22))
    create(
        operator,
        venue,
        kind="commercial",
        name="中秋晚会",
        starts=T(19),
        ends=T(21),
        one_off_date=D(2026, 10, 1),
    )
    with pytest.raises(Conflict) as exc:
        create(
            operator,
            venue,
            kind="closed",
            name="检修",
            starts=T(20),
            ends=T(22),
            one_off_date=D(2026, 10, 1),
        )
    assert (
        exc.value.message
        == "“检修”与“中秋晚会”在 10月1日 20:00-21:00 重叠，请调整日期、时间或功能室。"
    )


@time_machine.travel(dt.datetime(2026, 9, 28, 10, tzinfo=SH), tick=False)
def test_one_off_dates_are_normalised(operator, venue):
    scene = create(
        operator,
        venue,
        one_off_date=D(2026, 10, 3),
        valid_from=D(2026, 1, 1),
        weekdays=SUNDAY,
        day_filter="working",
    )
    scene.refresh_from_db()
    assert (scene.valid_from, scene.valid_until) == (D(2026, 10, 3), D(2026, 10, 3))
    assert (scene.weekdays, scene.day_filter) == (127, "all")


def test_update_checks_overlap_without_counting_itself(operator, venue):
    day = create(operator, venue, name="公益时段")
    evening = create(operator, venue, kind="commercial", name="商业时段", starts=T(18), ends=T(22))
    scene_update(user=operator, scene=day, ends=T(17, 30), description="品茶议事")
    with pytest.raises(Conflict):
        scene_update(user=operator, scene=evening, starts=T(17))
    evening.refresh_from_db()
    assert evening.starts == T(18)
    day.refresh_from_db()
    assert (day.ends, day.description) == (T(17, 30), "品茶议事")


def test_update_invalid_values_keep_the_saved_scene(operator, venue):
    scene = create(operator, venue)
    with pytest.raises(DomainError) as exc:
        scene_update(user=operator, scene=scene, kind="public", price_per_hour_fen=1000)
    assert exc.value.code == "public_price"
    scene.refresh_from_db()
    assert scene.price_per_hour_fen == 0


def test_update_rooms(operator, venue, room):
    scene = create(operator, venue)
    scene_update(user=operator, scene=scene, rooms=[room])
    scene.refresh_from_db()
    assert scene.all_rooms is False
    assert list(scene.rooms.all()) == [room]
    scene_update(user=operator, scene=scene, all_rooms=True)
    scene.refresh_from_db()
    assert scene.all_rooms is True
    assert list(scene.rooms.all()) == []


def test_delete(operator, venue):
    scene = create(operator, venue)
    scene_delete(user=operator, scene=scene)
    assert Scene.objects.count() == 0


# --- the bookings hook -------------------------------------------------------------------


@pytest.fixture
def provider():
    calls = []

    def find(change):
        calls.append(("find", change))
        after = change.timelines_after(start=D(2026, 10, 9), end=D(2026, 10, 10))
        for room_id, segments in after.items():
            at = dt.datetime(2026, 10, 9, 19, tzinfo=SH)
            evening = [s for s in segments if s.contains(at)]
            if evening and evening[0].kind != "commercial":
                yield ImpactItem(
                    kind="booking",
                    id=7,
                    room_id=room_id,
                    starts_at=dt.datetime(2026, 10, 9, 19, tzinfo=SH),
                    ends_at=dt.datetime(2026, 10, 9, 21, tzinfo=SH),
                    label="10月9日 19:00-21:00 议事茶亭 · 张阿姨",
                    reason="该时段将不再是商业时段",
                    resident_id=1,
                )

    def keep(items, *, change, user):
        calls.append(("keep", [i.id for i in items], user))

    def cancel(items, *, change, user, message):
        calls.append(("cancel", [i.id for i in items], message))

    register_impact_provider("test-bookings", find=find, keep=keep, cancel=cancel)
    yield calls
    unregister_impact_provider("test-bookings")


@time_machine.travel(dt.datetime(2026, 10, 1, 10, tzinfo=SH), tick=False)
def test_without_providers_nothing_is_affected(operator, venue, room):
    scene = create(operator, venue, kind="commercial", name="商业时段", starts=T(18), ends=T(22))
    scene_delete(user=operator, scene=scene)
    assert Scene.objects.count() == 0


@time_machine.travel(dt.datetime(2026, 10, 1, 10, tzinfo=SH), tick=False)
def test_change_that_affects_bookings_asks_first(operator, venue, room, provider):
    weekly_hours(venue, T(9), T(22))
    scene = create(operator, venue, kind="commercial", name="商业时段", starts=T(18), ends=T(22))
    with pytest.raises(Conflict) as exc:
        scene_update(user=operator, scene=scene, starts=T(20))
    body = exc.value.as_dict()
    assert body["code"] == "scene_affects_bookings"
    assert body["message"] == "此更改会影响 1 个已有预约，请选择保留这些预约或取消并通知居民。"
    assert body["affected"][0]["label"] == "10月9日 19:00-21:00 议事茶亭 · 张阿姨"
    assert body["affected"][0]["starts_at"] == "2026-10-09T19:00:00+08:00"
    scene.refresh_from_db()
    assert scene.starts == T(18)


@time_machine.travel(dt.datetime(2026, 10, 1, 10, tzinfo=SH), tick=False)
def test_keep_hands_the_bookings_to_the_provider_and_saves(operator, venue, room, provider):
    weekly_hours(venue, T(9), T(22))
    scene = create(operator, venue, kind="commercial", name="商业时段", starts=T(18), ends=T(22))
    scene_update(user=operator, scene=scene, starts=T(20), on_conflict="keep")
    assert provider[-1] == ("keep", [7], operator)
    scene.refresh_from_db()
    assert scene.starts == T(20)


@time_machine.travel(dt.datetime(2026, 10, 1, 10, tzinfo=SH), tick=False)
def test_delete_can_cancel_with_a_message(operator, venue, room, provider):
    weekly_hours(venue, T(9), T(22))
    scene = create(operator, venue, kind="commercial", name="商业时段", starts=T(18), ends=T(22))
    scene_delete(user=operator, scene=scene, on_conflict="cancel")
    assert provider[-1] == (
        "cancel",
        [7],
        "五福茶馆调整了“商业时段”的安排，您的预约已取消。如有疑问请联系场馆。",
    )
    assert Scene.objects.count() == 0
    change = provider[-2][1]
    assert change.after is None
    assert change.room_ids() is None


@time_machine.travel(dt.datetime(2026, 10, 1, 10, tzinfo=SH), tick=False)
def test_a_failing_provider_rolls_the_change_back(operator, venue, room, provider):
    weekly_hours(venue, T(9), T(22))
    scene = create(operator, venue, kind="commercial", name="商业时段", starts=T(18), ends=T(22))

    def broken(items, *, change, user, message):
        raise DomainError("通知发送失败", code="notify_failed")

    register_impact_provider(
        "test-bookings", find=lambda c: [_item()], keep=lambda *a, **k: None, cancel=broken
    )
    with pytest.raises(DomainError):
        scene_delete(user=operator, scene=scene, on_conflict="cancel")
    assert Scene.objects.filter(pk=scene.pk).exists()


def _item():
    return ImpactItem(
        kind="booking",
        id=8,
        room_id=1,
        starts_at=dt.datetime(2026, 10, 9, 19, tzinfo=SH),
        ends_at=dt.datetime(2026, 10, 9, 21, tzinfo=SH),
        label="",
        reason="",
    )


def test_on_conflict_must_be_a_known_choice(operator, venue):
    with pytest.raises(DomainError) as exc:
        create(operator, venue, on_conflict="maybe")
    assert exc.value.fields == {"on_conflict": ["请选择如何处理受影响的预约。"]}


@time_machine.travel(dt.datetime(2026, 11, 25, 10, tzinfo=SH), tick=False)
def test_a_one_off_scene_in_the_past_is_refused(operator, venue):
    with pytest.raises(DomainError) as exc:
        create(operator, venue, name="补办活动", one_off_date=D(2026, 11, 24))
    assert exc.value.code == "date_in_past"
    assert exc.value.fields == {
        "one_off_date": ["11月24日已经过去了（今天是11月25日），请选择今天或以后的日期。"]
    }
    assert not Scene.objects.filter(name="补办活动").exists()
    # Today is still schedulable.
    assert create(operator, venue, name="今天", one_off_date=D(2026, 11, 25)).pk


def test_a_past_one_off_scene_can_be_renamed_but_not_moved_into_the_past(operator, venue):
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=SH), tick=False):
        scene = create(operator, venue, name="旧活动", one_off_date=D(2026, 11, 21))
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, tzinfo=SH), tick=False):
        scene = scene_update(user=operator, scene=scene, name="旧活动（已结束）")
        assert scene.name == "旧活动（已结束）"
        with pytest.raises(DomainError) as exc:
            scene_update(user=operator, scene=scene, one_off_date=D(2026, 11, 22))
    assert exc.value.code == "date_in_past"
    scene.refresh_from_db()
    assert scene.one_off_date == D(2026, 11, 21)
