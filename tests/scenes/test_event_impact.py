"""Published events as the first scene-impact provider: a scene change that closes time a
future event needs asks first (409 scene_affects_bookings), then keeps the event as an
exception or cancels it with the operator's message, in the service, the API and the
planner."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.errors import Conflict, DomainError
from scenes import event_impact
from scenes.impact import SceneChange, scene_change_impact
from scenes.models import Event, EventRegistration, Scene
from scenes.occurrences import entry_for
from scenes.services.events import event_publish
from scenes.services.registrations import event_register
from scenes.services.scenes import scene_create, scene_delete, scene_update
from tests.factories import ResidentFactory, RoomFactory, make_scene, weekly_hours

SH = ZoneInfo("Asia/Shanghai")
T = dt.time
D = dt.date
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SH)  # a Friday
EVENT_DAY = D(2026, 11, 25)  # the Wednesday after
LABEL = "11月25日 14:30-16:00 议事茶亭 · 品茶议事（已报名 2 人）"
REASON = "该时段将改为暂停开放（设备检修）"


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SH)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def hours(venue):
    return weekly_hours(venue, T(9), T(21))


@pytest.fixture
def event(operator, venue, room, hours):
    [published] = event_publish(
        user=operator,
        venue=venue,
        room=room,
        title="品茶议事",
        capacity=12,
        starts_at=at(EVENT_DAY, 14, 30),
        ends_at=at(EVENT_DAY, 16),
    )
    return published


@pytest.fixture
def registrants(event):
    people = [ResidentFactory(phone=f"1390000{k:04d}") for k in range(2)]
    for person in people:
        event_register(user=person, event=event)
    return people


def maintenance(operator, venue, room, **fields):
    """A closed (maintenance) scene in ``room`` on the event's day, 09:00-18:00."""
    values = {
        "kind": "closed",
        "name": "设备检修",
        "rooms": [room],
        "starts": T(9),
        "ends": T(18),
        "one_off_date": EVENT_DAY,
    }
    values.update(fields)
    return scene_create(user=operator, venue=venue, **values)


def affected_dict(event, room):
    return {
        "kind": "event",
        "id": event.pk,
        "room_id": room.pk,
        "starts_at": "2026-11-25T14:30:00+08:00",
        "ends_at": "2026-11-25T16:00:00+08:00",
        "label": LABEL,
        "reason": REASON,
        "resident_id": None,
    }


def registration_statuses(event):
    return sorted(EventRegistration.objects.filter(event=event).values_list("status", flat=True))


# --- the service ----------------------------------------------------------------------


def test_a_maintenance_scene_over_a_published_event_asks_first(
    operator, venue, room, event, registrants
):
    with pytest.raises(Conflict) as exc:
        maintenance(operator, venue, room)
    body = exc.value.as_dict()
    assert body["code"] == "scene_affects_bookings"
    assert body["message"] == (
        "此更改会影响 1 个已发布的活动，请选择保留这些活动或取消并通知报名的居民。"
    )
    assert body["affected"] == [affected_dict(event, room)]
    assert Scene.objects.count() == 0
    event.refresh_from_db()
    assert event.status == "published"


def test_keep_saves_the_scene_and_the_event_stays_published(
    operator, venue, room, event, registrants
):
    scene = maintenance(operator, venue, room, on_conflict="keep")
    assert Scene.objects.filter(pk=scene.pk, kind="closed").exists()
    event.refresh_from_db()
    assert (event.status, event.cancel_reason) == ("published", "")
    assert registration_statuses(event) == ["registered", "registered"]


def test_a_kept_event_is_not_asked_about_again_by_later_edits(
    operator, venue, room, event, registrants
):
    scene = maintenance(operator, venue, room, on_conflict="keep")
    scene_update(user=operator, scene=scene, description="更换空调")
    scene_update(user=operator, scene=scene, ends=T(20))
    scene.refresh_from_db()
    assert (scene.description, scene.ends) == ("更换空调", T(20))
    event.refresh_from_db()
    assert event.status == "published"


def test_cancel_saves_the_scene_and_cancels_the_event_with_the_message(
    operator, venue, room, event, registrants
):
    scene = maintenance(operator, venue, room, on_conflict="cancel", message="空调检修，活动暂停。")
    assert Scene.objects.filter(pk=scene.pk).exists()
    event.refresh_from_db()
    assert event.status == "cancelled"
    # The notice adds its own full stop: "……已取消，原因：空调检修，活动暂停。"
    assert event.cancel_reason == "空调检修，活动暂停"
    assert event.cancelled_at == NOW
    assert registration_statuses(event) == ["cancelled", "cancelled"]


def test_cancel_without_a_message_says_the_venue_changed_its_plans(
    operator, venue, room, event, registrants
):
    maintenance(operator, venue, room, on_conflict="cancel", message="  ")
    event.refresh_from_db()
    assert event.status == "cancelled"
    assert event.cancel_reason == "五福茶馆调整了“设备检修”的安排"


def test_cancel_hands_back_what_the_events_service_returns(
    operator, venue, room, event, registrants
):
    proposed = Scene(
        venue=venue, kind="closed", name="设备检修", starts=T(9), ends=T(18), all_rooms=False
    )
    proposed.one_off_date = proposed.valid_from = proposed.valid_until = EVENT_DAY
    change = SceneChange(venue=venue, before=None, after=entry_for(proposed, [room.pk]))
    items = event_impact.find(change)
    assert [i.id for i in items] == [event.pk]
    [result] = event_impact.cancel(items, change=change, user=operator, message="检修")
    assert [e.pk for e in result.events] == [event.pk]
    assert sorted(n.resident_id for n in result.notices) == sorted(p.pk for p in registrants)
    assert result.notices[0].message == "活动“品茶议事”（11月25日 14:30）已取消，原因：检修。"


def test_a_cancel_message_over_200_characters_saves_nothing(operator, venue, room, event):
    with pytest.raises(DomainError) as exc:
        maintenance(operator, venue, room, on_conflict="cancel", message="检" * 201)
    assert exc.value.fields == {"cancel_message": ["给居民的说明不能超过 200 个字。"]}
    assert Scene.objects.count() == 0
    event.refresh_from_db()
    assert event.status == "published"


def test_turning_a_public_scene_into_maintenance_asks_about_the_event(operator, venue, room, event):
    scene = make_scene(venue, rooms=[room])
    with pytest.raises(Conflict) as exc:
        scene_update(user=operator, scene=scene, kind="closed", name="设备检修")
    assert [i.id for i in exc.value.items] == [event.pk]
    assert exc.value.items[0].reason == REASON
    scene.refresh_from_db()
    assert scene.kind == "public"


def test_deleting_a_one_off_scene_that_kept_time_open_asks_about_the_event(
    operator, venue, room, hours
):
    # Wednesdays are under maintenance; this Wednesday a one-off public scene opens the
    # room, and an event was published into it. Deleting the one-off closes it again.
    make_scene(venue, kind="closed", rooms=[room], weekdays=0b0000100)
    special = make_scene(venue, rooms=[room], name="公益开放日", one_off_date=EVENT_DAY)
    special.valid_from = special.valid_until = EVENT_DAY
    special.save()
    [event] = event_publish(
        user=operator,
        venue=venue,
        room=room,
        title="品茶议事",
        capacity=12,
        starts_at=at(EVENT_DAY, 14, 30),
        ends_at=at(EVENT_DAY, 16),
    )
    with pytest.raises(Conflict) as exc:
        scene_delete(user=operator, scene=special)
    assert [(i.id, i.reason) for i in exc.value.items] == [(event.pk, REASON)]
    scene_delete(user=operator, scene=special, on_conflict="cancel", message="恢复检修")
    event.refresh_from_db()
    assert (event.status, event.cancel_reason) == ("cancelled", "恢复检修")
    assert not Scene.objects.filter(pk=special.pk).exists()


def test_only_the_weeks_a_change_closes_are_affected(operator, venue, room, hours):
    events = event_publish(
        user=operator,
        venue=venue,
        room=room,
        title="品茶议事",
        capacity=12,
        starts_at=at(EVENT_DAY, 14, 30),
        ends_at=at(EVENT_DAY, 16),
        weeks=3,
    )
    maintenance(
        operator,
        venue,
        room,
        one_off_date=D(2026, 12, 2),
        on_conflict="cancel",
        message="检修",
    )
    statuses = [Event.objects.get(pk=e.pk).status for e in events]
    assert statuses == ["published", "cancelled", "published"]


@pytest.mark.parametrize(
    "change",
    ["other_room", "other_time", "other_day", "public_scene", "delete_public_scene"],
)
def test_changes_that_leave_the_event_open_do_not_ask(operator, venue, room, event, change):
    if change == "other_room":
        other = RoomFactory(venue=venue, name="长者空间")
        maintenance(operator, venue, other)
    elif change == "other_time":
        maintenance(operator, venue, room, starts=T(17), ends=T(21))
    elif change == "other_day":
        maintenance(operator, venue, room, one_off_date=D(2026, 11, 26))
    elif change == "public_scene":
        scene_create(
            user=operator,
            venue=venue,
            kind="public",
            name="公益时段",
            starts=T(9),
            ends=T(18),
            valid_from=D(2026, 11, 1),
        )
    else:
        scene = make_scene(venue, rooms=[room])
        scene_delete(user=operator, scene=scene)
        assert not Scene.objects.filter(pk=scene.pk).exists()
    event.refresh_from_db()
    assert event.status == "published"


def test_events_that_have_started_or_were_cancelled_are_not_asked_about(
    operator, venue, room, hours
):
    started = Event.objects.create(
        venue=venue,
        room=room,
        title="早场",
        capacity=10,
        starts_at=at(D(2026, 11, 20), 9, 30),
        ends_at=at(D(2026, 11, 20), 11),
    )
    cancelled = Event.objects.create(
        venue=venue,
        room=room,
        title="已取消的活动",
        capacity=10,
        starts_at=at(EVENT_DAY, 10),
        ends_at=at(EVENT_DAY, 11),
        status="cancelled",
    )
    maintenance(operator, venue, room, one_off_date=D(2026, 11, 20))
    maintenance(operator, venue, room, name="粉刷墙面", starts=T(9), ends=T(12))
    assert Event.objects.get(pk=started.pk).status == "published"
    assert Event.objects.get(pk=cancelled.pk).status == "cancelled"


def test_an_all_rooms_change_looks_at_every_room(operator, venue, room, event):
    other = RoomFactory(venue=venue, name="长者空间")
    with pytest.raises(Conflict) as exc:
        maintenance(operator, venue, other, rooms=[])
    assert [i.id for i in exc.value.items] == [event.pk]


def test_finding_takes_the_same_queries_for_one_event_or_many(operator, venue, room, hours):
    publish = dict(user=operator, venue=venue, room=room, title="品茶议事", capacity=12)
    event_publish(**publish, starts_at=at(EVENT_DAY, 14, 30), ends_at=at(EVENT_DAY, 16))
    proposed = Scene(
        venue=venue,
        kind="closed",
        name="设备检修",
        starts=T(9),
        ends=T(18),
        weekdays=0b1111111,
        valid_from=D(2026, 11, 1),
        all_rooms=True,
    )

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            items = scene_change_impact(scene=None, proposed=entry_for(proposed), venue=venue)
        return len(items), len(ctx.captured_queries)

    one, one_queries = queries()
    other = RoomFactory(venue=venue, name="长者空间")
    for week in range(1, 6):
        day = EVENT_DAY + dt.timedelta(weeks=week)
        event_publish(**{**publish, "room": other}, starts_at=at(day, 10), ends_at=at(day, 11))
    many, many_queries = queries()
    assert (one, many) == (1, 6)
    assert many_queries == one_queries


# --- the API --------------------------------------------------------------------------


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_the_api_answers_409_listing_the_event_then_cancels_it(
    operator_client, venue, room, event, registrants
):
    data = {
        "kind": "closed",
        "name": "设备检修",
        "room_ids": [room.pk],
        "starts": "09:00",
        "ends": "18:00",
        "one_off_date": "2026-11-25",
    }
    asked = post(operator_client, f"/api/venues/{venue.pk}/scenes", data)
    assert asked.status_code == 409
    body = asked.json()
    assert body["code"] == "scene_affects_bookings"
    assert body["affected"] == [affected_dict(event, room)]
    assert Scene.objects.count() == 0

    done = post(
        operator_client,
        f"/api/venues/{venue.pk}/scenes",
        {**data, "on_conflict": "cancel", "cancel_message": "空调检修"},
    )
    assert done.status_code == 201
    event.refresh_from_db()
    assert (event.status, event.cancel_reason) == ("cancelled", "空调检修")
    assert registration_statuses(event) == ["cancelled", "cancelled"]


def test_the_api_keeps_the_event_when_asked_to(operator_client, venue, room, event):
    scene = make_scene(venue, rooms=[room])
    asked = operator_client.patch(
        f"/api/scenes/{scene.pk}",
        json.dumps({"kind": "closed", "name": "设备检修"}),
        content_type="application/json",
    )
    assert (asked.status_code, asked.json()["affected"][0]["id"]) == (409, event.pk)
    kept = operator_client.patch(
        f"/api/scenes/{scene.pk}",
        json.dumps({"kind": "closed", "name": "设备检修", "on_conflict": "keep"}),
        content_type="application/json",
    )
    assert kept.status_code == 200
    assert kept.json()["kind"] == "closed"
    event.refresh_from_db()
    assert event.status == "published"


def test_the_api_rejects_an_overlong_message_on_delete(operator_client, venue, room, hours):
    make_scene(venue, kind="closed", rooms=[room], weekdays=0b0000100)
    special = make_scene(venue, rooms=[room], name="公益开放日", one_off_date=EVENT_DAY)
    special.valid_from = special.valid_until = EVENT_DAY
    special.save()
    Event.objects.create(
        venue=venue,
        room=room,
        title="品茶议事",
        capacity=12,
        starts_at=at(EVENT_DAY, 14, 30),
        ends_at=at(EVENT_DAY, 16),
    )
    response = operator_client.delete(
        f"/api/scenes/{special.pk}?on_conflict=cancel&cancel_message={'检' * 201}"
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {"cancel_message": ["给居民的说明不能超过 200 个字。"]}
    assert Scene.objects.filter(pk=special.pk).exists()


# --- the planner ----------------------------------------------------------------------


def planner_url(venue):
    return f"/operate/venues/{venue.pk}/scenes/"


def form_data(room, **overrides):
    data = {
        "name": "设备检修",
        "description": "",
        "kind": "closed",
        "rooms": [str(room.pk)],
        "repeat": "once",
        "one_off_date": "2026-11-25",
        "weekdays": ["1", "2", "3", "4", "5", "6", "7"],
        "day_filter": "all",
        "starts": "09:00",
        "ends": "18:00",
        "valid_from": "2026-11-20",
        "week": "2026-11-23",
    }
    data.update(overrides)
    return data


def test_the_planner_lists_the_event_and_offers_the_choice_then_cancels(
    operator_client, venue, room, event, registrants
):
    asked = operator_client.post(planner_url(venue), form_data(room))
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "此更改会影响 1 个已发布的活动，请选择保留这些活动或取消并通知报名的居民。" in html
    assert "受影响的活动" in html
    assert LABEL in html
    assert REASON in html
    assert "保留这些活动（作为例外）" in html
    assert "取消这些活动并通知报名的居民" in html
    assert 'name="on_conflict"' in html and 'name="cancel_message"' in html
    assert Scene.objects.count() == 0

    done = operator_client.post(
        planner_url(venue),
        form_data(room, on_conflict="cancel", cancel_message="空调检修"),
    )
    assert done.status_code == 302
    assert Scene.objects.filter(kind="closed", name="设备检修").exists()
    event.refresh_from_db()
    assert (event.status, event.cancel_reason) == ("cancelled", "空调检修")
    assert registration_statuses(event) == ["cancelled", "cancelled"]


def test_the_planner_shows_the_choice_in_english(operator_client, venue, room, event):
    operator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = operator_client.post(planner_url(venue), form_data(room))
    html = response.content.decode()
    assert (
        "This change affects 1 published event. Choose whether to keep it or cancel it and "
        "notify the residents who registered."
    ) in html
    assert "Affected events" in html
    assert "25 Nov 14:30-16:00 议事茶亭 · 品茶议事 (0 registered)" in html
    assert "This time will be closed (设备检修)" in html
    assert "Keep these events (as exceptions)" in html
    assert "Cancel these events and notify the residents who registered" in html


def test_the_planner_asks_before_deleting_and_keeps_on_request(operator_client, venue, room, hours):
    make_scene(venue, kind="closed", rooms=[room], weekdays=0b0000100)
    special = make_scene(venue, rooms=[room], name="公益开放日", one_off_date=EVENT_DAY)
    special.valid_from = special.valid_until = EVENT_DAY
    special.save()
    event = Event.objects.create(
        venue=venue,
        room=room,
        title="品茶议事",
        capacity=12,
        starts_at=at(EVENT_DAY, 14, 30),
        ends_at=at(EVENT_DAY, 16),
    )
    url = f"{planner_url(venue)}{special.pk}/"
    asked = operator_client.post(url, {"action": "delete", "week": "2026-11-23", "confirm": "yes"})
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "11月25日 14:30-16:00 议事茶亭 · 品茶议事（已报名 0 人）" in html
    assert "确认删除" in html
    assert Scene.objects.filter(pk=special.pk).exists()

    kept = operator_client.post(
        url, {"action": "delete", "week": "2026-11-23", "on_conflict": "keep"}
    )
    assert kept.status_code == 302
    assert not Scene.objects.filter(pk=special.pk).exists()
    event.refresh_from_db()
    assert event.status == "published"


# --- hours and exceptions go through the same providers -----------------------------------


def _hours_rules(opens, closes, days=range(7)):
    from spaces.services import HoursRule

    return [HoursRule(day=d, opens=opens, closes=closes) for d in days]


def test_new_hours_that_close_the_event_s_time_ask_first(operator, venue, event, registrants):
    from spaces.models import OpeningHours
    from spaces.services import hours_set

    with pytest.raises(Conflict) as exc:
        hours_set(user=operator, venue=venue, rules=_hours_rules(T(9), T(15)))
    assert exc.value.code == "hours_affect_bookings"
    assert exc.value.as_dict()["affected"] == [
        {
            "kind": "event",
            "id": event.pk,
            "room_id": event.room_id,
            "starts_at": "2026-11-25T14:30:00+08:00",
            "ends_at": "2026-11-25T16:00:00+08:00",
            "label": LABEL,
            "reason": "该时段将不在开放时间内",
            "resident_id": None,
        }
    ]
    # Nothing was written: the old hours stand.
    assert set(OpeningHours.objects.filter(venue=venue).values_list("closes", flat=True)) == {T(21)}


def test_hours_that_keep_the_event_open_are_not_asked_about(operator, venue, event):
    from spaces.services import hours_set

    hours_set(user=operator, venue=venue, rules=_hours_rules(T(14), T(18)))
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


def test_keeping_leaves_the_event_published_under_the_new_hours(operator, venue, event):
    from spaces.services import hours_set

    rows = hours_set(
        user=operator, venue=venue, rules=_hours_rules(T(9), T(15)), on_conflict="keep"
    )
    assert [r.closes for r in rows] == [T(15)] * 7
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


def test_a_closing_exception_cancels_with_the_operator_s_message(
    operator, venue, event, registrants
):
    from spaces.services import exception_set

    exception_set(
        user=operator,
        venue=venue,
        date=EVENT_DAY,
        reason="设备检修",
        on_conflict="cancel",
        message="场馆临时检修",
    )
    event.refresh_from_db()
    assert (event.status, event.cancel_reason) == (Event.Status.CANCELLED, "场馆临时检修")
    assert set(EventRegistration.objects.filter(event=event).values_list("status", flat=True)) == {
        "cancelled"
    }


def test_an_exception_on_another_day_or_room_asks_nothing(operator, venue, room, event):
    from spaces.services import exception_set

    other = RoomFactory(venue=venue, name="社区书屋")
    exception_set(user=operator, venue=venue, date=EVENT_DAY, room=other, reason="打扫")
    exception_set(user=operator, venue=venue, date=D(2026, 11, 26), reason="打扫")
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


def test_removing_special_hours_the_event_needed_asks_first(operator, venue, room, hours):
    from spaces.services import exception_delete, exception_set

    late = D(2026, 11, 27)
    exception_set(
        user=operator, venue=venue, date=late, reason="延长开放", intervals=[(T(9), T(23), False)]
    )
    [evening] = event_publish(
        user=operator,
        venue=venue,
        room=room,
        title="夜读会",
        capacity=10,
        starts_at=at(late, 21),
        ends_at=at(late, 22),
    )
    with pytest.raises(Conflict) as exc:
        exception_delete(user=operator, venue=venue, date=late)
    assert exc.value.code == "hours_affect_bookings"
    assert [i["id"] for i in exc.value.as_dict()["affected"]] == [evening.pk]


def test_a_room_day_closed_by_its_own_rule_asks_first(operator, venue, room, event):
    from spaces.services import HoursRule, hours_set

    with pytest.raises(Conflict) as exc:
        hours_set(user=operator, venue=venue, room=room, rules=[HoursRule(day=2, closed=True)])
    assert exc.value.code == "hours_affect_bookings"
    # Closing Monday instead touches nothing the event needs (it is on a Wednesday).
    [row] = hours_set(user=operator, venue=venue, room=room, rules=[HoursRule(day=0, closed=True)])
    assert (row.day, row.opens, row.closes, row.is_closed) == (0, None, None, True)


def test_deleting_a_room_with_an_event_to_come_asks_and_only_cancels(
    operator, venue, room, event, registrants
):
    from spaces.models import Room
    from spaces.services import room_delete, room_update

    with pytest.raises(Conflict) as asked:
        room_delete(user=operator, room=room)
    assert asked.value.code == "room_affects_bookings"
    assert [(i["id"], i["reason"]) for i in asked.value.as_dict()["affected"]] == [
        (event.pk, "该功能室将被删除")
    ]
    with pytest.raises(DomainError) as kept:
        room_delete(user=operator, room=room, on_conflict="keep")
    assert kept.value.code == "cannot_keep"
    assert Room.objects.filter(pk=room.pk).exists()
    # Turning bookings off does not touch events: an event needs an open room.
    room_update(user=operator, room=room, is_bookable=False)
    cancelled = []
    original = event_impact.cancel

    def spy(items, **kwargs):
        results = original(items, **kwargs)
        cancelled.extend((e.pk, e.status, e.cancel_reason) for r in results for e in r.events)
        return results

    from spaces import impact

    impact.register_impact_provider(
        "events", find=event_impact.find, keep=event_impact.keep, cancel=spy
    )
    try:
        room_delete(user=operator, room=room, on_conflict="cancel", message="功能室改造")
    finally:
        impact.register_impact_provider(
            "events",
            find=event_impact.find,
            keep=event_impact.keep,
            cancel=event_impact.cancel,
            default_message=event_impact.default_message,
        )
    assert cancelled == [(event.pk, "cancelled", "功能室改造")]
    assert not Room.objects.filter(pk=room.pk).exists()


def test_a_message_that_fit_the_box_is_not_refused_for_its_line_breaks():
    from scenes.event_impact import cancel_reason
    from spaces.impact import MESSAGE_MAX as REASON_MAX

    # 200 characters in the textarea, as the browser counts them; sent with "\r\n".
    typed = "空" * 99 + "\r\n" + "调" * 100
    assert cancel_reason(typed) == "空" * 99 + "\n" + "调" * 100
    with pytest.raises(DomainError) as refused:
        cancel_reason("空" * (REASON_MAX + 1))
    assert refused.value.fields == {"cancel_message": ["给居民的说明不能超过 200 个字。"]}
