"""Bookings as an impact provider: a scene, hours or exception change, deleting a room or
turning its bookings off, when it strands a pending or confirmed booking, answers 409
listing it under ``affected``; "keep" keeps it (kept_by_operator), "cancel" cancels it
with the operator's message and the resident gets an SMS. Through the existing API."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from bookings import impact
from bookings.models import Booking, Status
from bookings.services.bookings import booking_create
from scenes.models import Scene
from spaces.impact import HoursChange
from spaces.models import OpeningException, OpeningHours, Room
from tests.bookings.conftest import at
from tests.factories import make_scene

pytestmark = pytest.mark.django_db

LABEL = "12月2日 10:00-11:00 议事茶亭 · 张阿姨 · 合唱排练（2 人）"


def book(user, room, start, end, people=2, **kw):
    return booking_create(
        user=user, room=room, starts_at=start, ends_at=end, people=people, purpose="合唱排练", **kw
    )


@pytest.fixture
def booking(frozen, scenes, owner, room):
    return book(owner, room, at(2, 10), at(2, 11))


@pytest.fixture
def other_booking(frozen, scenes, other_resident, room):
    """Thursday's: no change below touches it."""
    return book(other_resident, room, at(3, 10), at(3, 11))


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """A JSON request whose transaction's on-commit work (the SMS tasks) runs, as it
    would outside the test's own transaction."""

    def send(client, method, url, data=None):
        body = json.dumps(data) if data is not None else None
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method)(url, body, content_type="application/json")

    return send


def affected_dict(booking, room, reason):
    return {
        "kind": "booking",
        "id": booking.pk,
        "room_id": room.pk,
        "starts_at": "2026-12-02T10:00:00+08:00",
        "ends_at": "2026-12-02T11:00:00+08:00",
        "label": LABEL,
        "reason": reason,
        "resident_id": booking.resident_id,
    }


def state(booking):
    booking.refresh_from_db()
    return (booking.status, booking.cancelled_by_operator, booking.reason, booking.kept_by_operator)


CONFIRMED = ("confirmed", False, "", False)
KEPT = ("confirmed", False, "", True)


def cancelled(reason):
    return ("cancelled", True, reason, False)


def closed_on_wednesday(room):
    return {
        "kind": "closed",
        "name": "设备检修",
        "room_ids": [room.pk],
        "starts": "09:00",
        "ends": "12:00",
        "one_off_date": "2026-12-02",
    }


# --- scene changes ------------------------------------------------------------------


def test_a_closed_scene_over_a_booking_asks_then_cancels_with_an_sms(
    send, operator_client, venue, room, booking, other_booking, sms_outbox
):
    sms_outbox.clear()
    url = f"/api/venues/{venue.pk}/scenes"
    asked = send(operator_client, "post", url, closed_on_wednesday(room))
    assert asked.status_code == 409
    body = asked.json()
    assert body["code"] == "scene_affects_bookings"
    assert body["message"] == "此更改会影响 1 个已有预约，请选择保留这些预约或取消并通知居民。"
    assert body["affected"] == [affected_dict(booking, room, "该时段将改为暂停开放（设备检修）")]
    assert not Scene.objects.filter(kind="closed").exists()
    assert state(booking) == CONFIRMED
    assert sms_outbox == []

    data = {**closed_on_wednesday(room), "on_conflict": "cancel", "cancel_message": "空调检修"}
    done = send(operator_client, "post", url, data)
    assert done.status_code == 201
    assert state(booking) == cancelled("空调检修")
    assert booking.cancelled_at == at(1, 8)
    assert state(other_booking) == CONFIRMED
    assert [(m.phone, m.message) for m in sms_outbox] == [
        ("13800000001", "【邻里】您预约的五福茶馆议事茶亭（12月2日 10:00）已被场馆取消：空调检修")
    ]


def test_keep_marks_the_booking_and_later_edits_do_not_ask_again(
    send, operator_client, venue, room, booking, sms_outbox
):
    sms_outbox.clear()
    url = f"/api/venues/{venue.pk}/scenes"
    kept = send(operator_client, "post", url, {**closed_on_wednesday(room), "on_conflict": "keep"})
    assert kept.status_code == 201
    assert state(booking) == KEPT
    scene = Scene.objects.get(kind="closed")
    again = send(operator_client, "patch", f"/api/scenes/{scene.pk}", {"ends": "13:00"})
    assert again.status_code == 200
    assert state(booking) == KEPT
    assert sms_outbox == []


def test_a_scene_for_groups_only_strands_a_residents_booking(
    send, operator_client, scenes, room, booking, other_booking
):
    public, _commercial = scenes
    url = f"/api/scenes/{public.pk}"
    asked = send(operator_client, "patch", url, {"who_may_book": "groups"})
    assert asked.status_code == 409
    assert [(i["id"], i["reason"]) for i in asked.json()["affected"]] == [
        (booking.pk, "该时段将只接受自组织预约"),
        (other_booking.pk, "该时段将只接受自组织预约"),
    ]
    done = send(operator_client, "patch", url, {"who_may_book": "groups", "on_conflict": "keep"})
    assert done.status_code == 200
    assert state(booking) == KEPT
    assert state(other_booking) == KEPT


def test_deleting_the_scene_leaves_no_bookable_time(send, operator_client, scenes, room, booking):
    public, _commercial = scenes
    asked = send(operator_client, "delete", f"/api/scenes/{public.pk}")
    assert asked.status_code == 409
    [item] = asked.json()["affected"]
    assert (item["id"], item["reason"]) == (booking.pk, "该时段将不再接受预约")
    done = send(operator_client, "delete", f"/api/scenes/{public.pk}?on_conflict=cancel")
    assert done.status_code == 204
    # No message written: residents read that the venue changed the scene's plans.
    assert state(booking) == cancelled("五福茶馆调整了“公益时段”的安排")


def test_a_change_that_keeps_the_booking_allowed_asks_nothing(
    send, operator_client, scenes, room, booking, sms_outbox
):
    public, _commercial = scenes
    sms_outbox.clear()
    response = send(
        operator_client, "patch", f"/api/scenes/{public.pk}", {"description": "免费开放"}
    )
    assert response.status_code == 200
    response = send(
        operator_client, "patch", f"/api/scenes/{public.pk}", {"max_people_per_booking": 1}
    )
    assert response.status_code == 409
    assert response.json()["affected"][0]["reason"] == "该时段每次最多 1 人"
    assert state(booking) == CONFIRMED
    assert sms_outbox == []


def test_only_bookings_that_still_hold_their_slot_are_asked_about(
    send, frozen, operator_client, venue, room, scenes, owner, other_resident, booking
):
    pending_scene = make_scene(
        venue, rooms=[room], name="预约审核时段", one_off_date=dt.date(2026, 12, 2),
        valid_from=dt.date(2026, 12, 2), valid_until=dt.date(2026, 12, 2),
        starts=dt.time(11), ends=dt.time(12), requires_approval=True,
    )  # fmt: skip
    pending = book(other_resident, room, at(2, 11), at(2, 12))
    assert (pending.status, pending.scene_id) == ("pending", pending_scene.pk)
    gone = book(owner, room, at(1, 9), at(1, 9, 30))
    withdrawn = book(other_resident, room, at(2, 9), at(2, 9, 30))
    Booking.objects.filter(pk=withdrawn.pk).update(status=Status.CANCELLED)
    frozen.move_to(at(1, 9, 20))  # today's window has closed: a no-show, free again
    closed = {"rules": [{"day": 1, "closed": True}, {"day": 2, "closed": True}]}
    asked = send(operator_client, "put", f"/api/rooms/{room.pk}/hours", closed)
    assert asked.status_code == 409
    assert [i["id"] for i in asked.json()["affected"]] == [booking.pk, pending.pk]
    assert gone.pk not in (booking.pk, pending.pk, withdrawn.pk)


# --- hours and exceptions ------------------------------------------------------------


def week_rules(wednesday_opens="09:00"):
    return [
        {"day": d, "opens": wednesday_opens if d == 2 else "09:00", "closes": "21:00"}
        for d in range(7)
    ]


def test_new_hours_that_close_the_booking_ask_then_keep(
    send, operator_client, venue, room, booking, other_booking
):
    url = f"/api/venues/{venue.pk}/hours"
    asked = send(operator_client, "put", url, {"rules": week_rules("12:00")})
    assert asked.status_code == 409
    body = asked.json()
    assert body["code"] == "hours_affect_bookings"
    assert body["affected"] == [affected_dict(booking, room, "该时段将不在开放时间内")]
    assert OpeningHours.objects.get(venue=venue, day=2).opens == dt.time(9)
    done = send(operator_client, "put", url, {"rules": week_rules("12:00"), "on_conflict": "keep"})
    assert done.status_code == 200
    assert OpeningHours.objects.get(venue=venue, day=2).opens == dt.time(12)
    assert state(booking) == KEPT
    assert state(other_booking) == CONFIRMED


def test_an_exception_that_closes_the_day_cancels_with_an_sms(
    send, operator_client, venue, room, booking, other_booking, sms_outbox
):
    sms_outbox.clear()
    url = f"/api/venues/{venue.pk}/exceptions"
    data = {"date": "2026-12-02", "reason": "停电检修"}
    asked = send(operator_client, "put", url, data)
    assert asked.status_code == 409
    assert asked.json()["code"] == "hours_affect_bookings"
    assert asked.json()["affected"] == [affected_dict(booking, room, "该时段将不在开放时间内")]
    assert not OpeningException.objects.exists()
    done = send(operator_client, "put", url, {**data, "on_conflict": "cancel"})
    assert done.status_code == 200
    assert state(booking) == cancelled("五福茶馆调整了12月2日的开放时间")
    assert state(other_booking) == CONFIRMED
    assert [m.message for m in sms_outbox] == [
        "【邻里】您预约的五福茶馆议事茶亭（12月2日 10:00）已被场馆取消："
        "五福茶馆调整了12月2日的开放时间"
    ]


def test_an_exception_on_a_day_without_bookings_saves_at_once(
    send, operator_client, venue, room, booking
):
    url = f"/api/venues/{venue.pk}/exceptions"
    done = send(operator_client, "put", url, {"date": "2026-12-04", "reason": "停电检修"})
    assert done.status_code == 200
    assert state(booking) == CONFIRMED


def test_an_overlong_message_saves_nothing(operator, venue, room, booking):
    from spaces.services import exception_set

    with pytest.raises(Exception) as exc:
        exception_set(
            user=operator,
            venue=venue,
            date=dt.date(2026, 12, 2),
            reason="停电",
            on_conflict="cancel",
            message="检" * 201,
        )
    assert exc.value.fields == {"cancel_message": ["给居民的说明不能超过 200 个字。"]}
    assert state(booking) == CONFIRMED


def test_find_judges_an_hours_change_directly(venue, room, booking):
    change = HoursChange(venue=venue, room=room, weekly={2: ()})  # the room closes Wednesdays
    [item] = impact.find(change)
    assert (item.kind, item.id, item.label) == ("booking", booking.pk, LABEL)


# --- rooms ----------------------------------------------------------------------------


def test_deleting_the_room_asks_then_cancels_and_texts_the_resident(
    send, operator_client, room, booking, sms_outbox
):
    sms_outbox.clear()
    asked = send(operator_client, "delete", f"/api/rooms/{room.pk}")
    assert asked.status_code == 409
    assert asked.json()["code"] == "room_affects_bookings"
    assert asked.json()["affected"] == [affected_dict(booking, room, "该功能室将被删除")]
    refused = send(operator_client, "delete", f"/api/rooms/{room.pk}?on_conflict=keep")
    assert (refused.status_code, refused.json()["code"]) == (422, "cannot_keep")
    done = send(
        operator_client, "delete", f"/api/rooms/{room.pk}?on_conflict=cancel&cancel_message=装修"
    )
    assert done.status_code == 204
    assert not Room.objects.filter(pk=room.pk).exists()
    # The booking went with its room; the text composed before still reaches the resident.
    assert [(m.phone, m.message) for m in sms_outbox] == [
        ("13800000001", "【邻里】您预约的五福茶馆议事茶亭（12月2日 10:00）已被场馆取消：装修")
    ]


def test_turning_the_rooms_bookings_off_asks_then_keeps(
    send, operator_client, room, booking, other_booking
):
    url = f"/api/rooms/{room.pk}"
    asked = send(operator_client, "patch", url, {"is_bookable": False})
    assert asked.status_code == 409
    assert [(i["id"], i["reason"]) for i in asked.json()["affected"]] == [
        (booking.pk, "该功能室将不再接受预约"),
        (other_booking.pk, "该功能室将不再接受预约"),
    ]
    room.refresh_from_db()
    assert room.is_bookable
    done = send(operator_client, "patch", url, {"is_bookable": False, "on_conflict": "keep"})
    assert done.status_code == 200
    room.refresh_from_db()
    assert not room.is_bookable
    assert state(booking) == KEPT


# --- the operator pages ---------------------------------------------------------------


def test_the_exceptions_page_lists_the_booking_and_words_the_choice(
    operator_client, venue, room, booking
):
    url = f"/operate/venues/{venue.pk}/exceptions/"
    response = operator_client.post(
        url, {"date": "2026-12-02", "room": "", "reason": "停电检修", "hours": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "受影响的预约" in html
    assert LABEL in html
    assert "该时段将不在开放时间内" in html
    assert "取消这些预约并通知居民" in html


def room_form(room, **changes):
    data = {"name": room.name, "capacity": room.capacity, "description": "", "amenities": ""}
    data.update({"is_bookable": "on", "order": 0}, **changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_room_page_asks_before_turning_bookings_off_then_cancels(
    operator_client, room, booking, django_capture_on_commit_callbacks, sms_outbox
):
    url = reverse("spaces:operate-room", args=[room.pk])
    asked = operator_client.post(url, room_form(room, is_bookable=None))
    html = asked.content.decode()
    assert asked.status_code == 200
    assert "受影响的预约" in html
    assert LABEL in html
    assert "该功能室将不再接受预约" in html
    assert "取消这些预约并通知居民" in html
    assert "短信发给预约的居民" in html
    room.refresh_from_db()
    assert room.is_bookable
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = operator_client.post(
            url, room_form(room, is_bookable=None, on_conflict="cancel", cancel_message="改作仓库")
        )
    assert done.status_code == 302
    room.refresh_from_db()
    assert not room.is_bookable
    assert state(booking) == cancelled("改作仓库")
    assert len(sms_outbox) == 1


def test_the_room_page_words_deleting_a_room_with_bookings(operator_client, room, booking):
    url = reverse("spaces:operate-room", args=[room.pk])
    asked = operator_client.post(url, {"action": "delete", "confirm": "yes"})
    html = asked.content.decode()
    assert "预约</span> " + LABEL in html
    assert "取消这些预约并删除功能室" in html
    assert Room.objects.filter(pk=room.pk).exists()


def test_deleting_special_hours_words_the_choice_for_bookings(
    operator, operator_client, venue, room, scenes, owner
):
    from spaces.services import exception_set

    exception_set(
        user=operator,
        venue=venue,
        date=dt.date(2026, 12, 2),
        reason="延长开放",
        intervals=[(dt.time(9), dt.time(22), False)],
    )
    late = book(owner, room, at(2, 20), at(2, 21))
    row = OpeningException.objects.get()
    url = reverse("spaces:operate-exceptions", args=[venue.pk])
    # Kept through an earlier change: 21:00-22:00 is open only by the special hours.
    Booking.objects.filter(pk=late.pk).update(starts_at=at(2, 21), ends_at=at(2, 22))
    asked = operator_client.post(url, {"action": "delete", "id": row.pk, "confirm": "yes"})
    html = asked.content.decode()
    assert "12月2日 21:00-22:00 议事茶亭 · 张阿姨" in html
    assert "保留这些预约（作为例外）" in html
    assert "保留这些活动" not in html
