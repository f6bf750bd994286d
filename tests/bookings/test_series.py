"""A group's weekly series: preview, create under the lock, skipped dates with reasons,
cancel one date or all that remain. The clock is frozen on Monday 2026-09-14 08:00 in
Shanghai, two weeks before the National Day break (2026-10-01..10-07)."""

import datetime as dt
import json

import pytest
from django.test import Client

from bookings.models import Booking, BookingSeries, Status
from bookings.selectors.series import series_get
from bookings.services.bookings import booking_cancel, booking_create
from bookings.services.series import series_cancel, series_create, series_preview
from linli.errors import DomainError, NotFound, PermissionDenied
from scenes.models import GroupMembership, GroupVenueApproval
from spaces.models import OpeningException
from tests.bookings.conftest import SH
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

TUE, THU = 1, 3


def inputs(**overrides):
    values = {
        "weekdays": [TUE, THU],
        "start_time": dt.time(10),
        "end_time": dt.time(11),
        "first_date": dt.date(2026, 9, 15),
        "weeks": 4,
        "people": 8,
        "purpose": "合唱排练",
    }
    return {**values, **overrides}


def codes(plan):
    return [(d.date.isoformat(), d.code) for d in plan.dates]


def test_a_series_across_a_holiday_break(september, scenes, owner, choir, venue, room):
    OpeningException.objects.create(venue=venue, date=dt.date(2026, 9, 24), reason="检修")

    plan = series_preview(user=owner, group=choir, room=room, **inputs())

    assert codes(plan) == [
        ("2026-09-15", ""),
        ("2026-09-17", ""),
        ("2026-09-22", ""),
        ("2026-09-24", "closed"),
        ("2026-09-29", "too_far_ahead"),  # 14 days ahead reach 09-28
        ("2026-10-01", "holiday_break"),
        ("2026-10-06", "holiday_break"),
        ("2026-10-08", "too_far_ahead"),
    ]
    assert plan.last_date == dt.date(2026, 10, 12)
    assert plan.dates[5].message == "国庆节假期（10月1日至10月7日），本周暂停。"
    assert plan.provisional == []

    series = series_create(user=owner, group=choir, room=room, **inputs())

    series.refresh_from_db()
    assert [s["date"] for s in series.skipped] == [
        "2026-09-24",
        "2026-09-29",
        "2026-10-01",
        "2026-10-06",
        "2026-10-08",
    ]
    assert [s["code"] for s in series.skipped] == [
        "closed",
        "too_far_ahead",
        "holiday_break",
        "holiday_break",
        "too_far_ahead",
    ]
    booked = Booking.objects.filter(series=series).order_by("starts_at")
    assert [b.local_date.isoformat() for b in booked] == ["2026-09-15", "2026-09-17", "2026-09-22"]
    assert {b.group_id for b in booked} == {choir.pk}
    assert {b.status for b in booked} == {Status.CONFIRMED}
    assert series.weekdays == 0b1010 and series.first_date == dt.date(2026, 9, 15)


def test_a_longer_window_books_both_sides_of_the_break(september, scenes, owner, choir, room):
    public, _commercial = scenes
    public.max_days_ahead = 60
    public.save()
    plan = series_preview(
        user=owner,
        group=choir,
        room=room,
        **inputs(
            weekdays=[THU], first_date=dt.date(2026, 9, 17), weeks=None, until=dt.date(2026, 10, 15)
        ),
    )
    assert codes(plan) == [
        ("2026-09-17", ""),
        ("2026-09-24", ""),
        ("2026-10-01", "holiday_break"),
        ("2026-10-08", ""),
        ("2026-10-15", ""),
    ]


def test_a_year_not_announced_says_so(september, scenes, owner, choir, room):
    public, _commercial = scenes
    public.max_days_ahead = 365
    public.save()
    plan = series_preview(
        user=owner, group=choir, room=room, **inputs(first_date=dt.date(2026, 12, 29), weeks=2)
    )
    assert plan.provisional == ["2027年安排尚未公布，以下按法定节日暂定。"]
    assert ("2027-01-01", "") not in codes(plan)  # a Friday: not a chosen weekday anyway


def test_taken_dates_are_skipped_and_checked_again_at_create(
    september, scenes, owner, other_resident, choir, room
):
    booking_create(
        user=other_resident,
        room=room,
        starts_at=dt.datetime(2026, 9, 17, 10, 30, tzinfo=SH),
        ends_at=dt.datetime(2026, 9, 17, 11, 30, tzinfo=SH),
        people=2,
        purpose="下棋",
    )
    plan = series_preview(user=owner, group=choir, room=room, **inputs())
    assert codes(plan)[:3] == [("2026-09-15", ""), ("2026-09-17", "overlap"), ("2026-09-22", "")]
    assert plan.dates[1].message == "这个时段已有人预约。"

    # Someone books 09-22 between the preview and the confirmation.
    booking_create(
        user=other_resident,
        room=room,
        starts_at=dt.datetime(2026, 9, 22, 10, tzinfo=SH),
        ends_at=dt.datetime(2026, 9, 22, 10, 30, tzinfo=SH),
        people=2,
        purpose="下棋",
    )
    series = series_create(user=owner, group=choir, room=room, **inputs())
    assert [b.local_date.isoformat() for b in series.bookings.all()] == [
        "2026-09-15",
        "2026-09-24",
    ]
    assert [(s["date"], s["code"]) for s in series.skipped][:2] == [
        ("2026-09-17", "overlap"),
        ("2026-09-22", "overlap"),
    ]


def test_only_a_leader_of_an_approved_group(september, scenes, owner, other_resident, choir, room):
    with pytest.raises(PermissionDenied) as exc:
        series_preview(user=other_resident, group=choir, room=room, **inputs())
    assert exc.value.code == "not_group_leader"

    GroupVenueApproval.objects.filter(group=choir).update(status="pending")
    with pytest.raises(DomainError) as exc:
        series_create(user=owner, group=choir, room=room, **inputs())
    assert exc.value.code == "group_not_approved"
    assert exc.value.status == 422
    assert not BookingSeries.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"weeks": 27}, "series_too_long", "weeks"),
        ({"weeks": None, "until": dt.date(2027, 3, 16)}, "series_too_long", "until"),
        ({"weeks": None, "until": dt.date(2026, 9, 1)}, "invalid_range", "until"),
        ({"until": dt.date(2026, 10, 1)}, "weeks_or_until", "weeks"),
        ({"weekdays": []}, "required", "weekdays"),
        ({"end_time": dt.time(10)}, "end_before_start", "end_time"),
        ({"purpose": " "}, "required", "purpose"),
        ({"people": 0}, "invalid", "people"),
    ],
)
def test_bad_input_has_a_code(september, scenes, owner, choir, room, overrides, code, field):
    with pytest.raises(DomainError) as exc:
        series_preview(user=owner, group=choir, room=room, **inputs(**overrides))
    assert exc.value.code == code
    assert field in exc.value.fields


def test_26_weeks_is_the_most(september, scenes, owner, choir, room):
    plan = series_preview(user=owner, group=choir, room=room, **inputs(weeks=26))
    assert len(plan.dates) == 52
    assert plan.last_date == dt.date(2027, 3, 15)


def test_nothing_bookable_writes_nothing(september, scenes, owner, choir, room):
    with pytest.raises(DomainError) as exc:
        series_create(
            user=owner, group=choir, room=room, **inputs(first_date=dt.date(2026, 10, 1), weeks=1)
        )
    assert exc.value.code == "nothing_bookable"
    assert not BookingSeries.objects.exists() and not Booking.objects.exists()


def test_cancel_one_date_then_all_that_remain(september, scenes, owner, choir, room):
    series = series_create(user=owner, group=choir, room=room, **inputs())
    first, second, third, fourth = series.bookings.order_by("starts_at")
    booking_cancel(user=owner, booking=second)

    september.move_to(dt.datetime(2026, 9, 15, 10, 30, tzinfo=SH))  # the first has started
    cancelled = series_cancel(user=owner, series=series)

    assert [b.pk for b in cancelled] == [third.pk, fourth.pk]
    statuses = dict(series.bookings.values_list("pk", "status"))
    assert statuses == {
        first.pk: Status.CONFIRMED,
        second.pk: Status.CANCELLED,
        third.pk: Status.CANCELLED,
        fourth.pk: Status.CANCELLED,
    }
    with pytest.raises(DomainError) as exc:
        series_cancel(user=owner, series=series)
    assert exc.value.code == "nothing_to_cancel"


def test_who_sees_and_cancels_a_series(
    september, scenes, owner, other_resident, operator, choir, room
):
    series = series_create(user=owner, group=choir, room=room, **inputs())
    co_leader = ResidentFactory()
    GroupMembership.objects.create(group=choir, user=co_leader, role=GroupMembership.Role.LEADER)
    for user in (owner, co_leader, operator):
        assert series_get(user=user, public_id=series.public_id) == series
    with pytest.raises(NotFound) as exc:
        series_get(user=other_resident, public_id=series.public_id)
    assert exc.value.code == "series_not_found"
    with pytest.raises(PermissionDenied):
        series_cancel(user=co_leader, series=series)
    with pytest.raises(DomainError) as exc:
        series_cancel(user=operator, series=series)
    assert exc.value.code == "required"  # an operator says why
    assert len(series_cancel(user=operator, series=series, reason="场馆检修")) == 4


# --- the API ---------------------------------------------------------------------------


def body(choir, room, **overrides):
    values = {
        "group": choir.pk,
        "room": room.pk,
        "weekdays": [1, 3],
        "start_time": "10:00",
        "end_time": "11:00",
        "first_date": "2026-09-15",
        "weeks": 4,
        "people": 8,
        "purpose": "合唱排练",
    }
    return {**values, **overrides}


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_preview_lists_every_date_and_writes_nothing(september, scenes, owner_client, choir, room):
    response = post(owner_client, "/api/series/preview", body(choir, room))
    assert response.status_code == 200, response.content
    dates = response.json()["dates"]
    assert [(d["date"], d["code"]) for d in dates] == [
        ("2026-09-15", ""),
        ("2026-09-17", ""),
        ("2026-09-22", ""),
        ("2026-09-24", ""),
        ("2026-09-29", "too_far_ahead"),
        ("2026-10-01", "holiday_break"),
        ("2026-10-06", "holiday_break"),
        ("2026-10-08", "too_far_ahead"),
    ]
    assert dates[0]["starts_at"] == "2026-09-15T10:00:00+08:00"
    assert dates[0]["bookable"] is True and dates[5]["bookable"] is False
    assert not Booking.objects.exists()


def test_create_read_and_cancel(september, scenes, owner_client, other_client, choir, room):
    response = post(owner_client, "/api/series", body(choir, room))
    assert response.status_code == 201, response.content
    data = response.json()
    assert [b["date"] for b in data["bookings"]] == [
        "2026-09-15",
        "2026-09-17",
        "2026-09-22",
        "2026-09-24",
    ]
    assert {b["status"] for b in data["bookings"]} == {"confirmed"}
    assert data["skipped"][1] == {
        "date": "2026-10-01",
        "code": "holiday_break",
        "message": "国庆节假期（10月1日至10月7日），本周暂停。",
    }
    url = f"/api/series/{data['id']}"
    assert owner_client.get(url).json() == data

    response = other_client.get(url)
    assert response.status_code == 404
    assert response.json() == {
        "code": "series_not_found",
        "message": "找不到这个预约系列。",
        "fields": {},
    }
    assert post(other_client, url + "/cancel", {}).status_code == 404

    response = post(owner_client, url + "/cancel", {})
    assert response.status_code == 200
    assert len(response.json()["cancelled"]) == 4
    assert set(Booking.objects.values_list("status", flat=True)) == {Status.CANCELLED}
    response = post(owner_client, url + "/cancel", {})
    assert response.status_code == 422
    assert response.json()["code"] == "nothing_to_cancel"


def test_errors(september, scenes, owner_client, other_client, choir, room):
    response = post(other_client, "/api/series", body(choir, room))
    assert response.status_code == 403
    assert response.json()["code"] == "not_group_leader"

    response = post(owner_client, "/api/series/preview", body(choir, room, weeks=27))
    assert response.status_code == 422
    assert response.json() == {
        "code": "series_too_long",
        "message": "重复周数须在 1 到 26 之间。",
        "fields": {"weeks": ["重复周数须在 1 到 26 之间。"]},
    }
    response = post(
        owner_client, "/api/series", body(choir, room, first_date="2026-10-01", weeks=1)
    )
    assert response.status_code == 422
    assert response.json()["code"] == "nothing_bookable"
    assert not BookingSeries.objects.exists()

    response = Client().post(
        "/api/series/preview", json.dumps(body(choir, room)), content_type="application/json"
    )
    assert response.status_code == 401


def test_a_series_does_not_text_once_per_date(
    september, scenes, owner, choir, room, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        series_create(user=owner, group=choir, room=room, **inputs())
    assert sms_outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        booking_create(
            user=owner,
            room=room,
            starts_at=dt.datetime(2026, 9, 16, 10, tzinfo=SH),
            ends_at=dt.datetime(2026, 9, 16, 11, tzinfo=SH),
            people=2,
            purpose="下棋",
        )
    assert len(sms_outbox) == 1


def test_dates_past_the_calendar_are_refused(september, scenes, owner, choir, room):
    with pytest.raises(DomainError) as exc:
        series_preview(
            user=owner, group=choir, room=room, **inputs(first_date=dt.date(9990, 12, 20))
        )
    assert exc.value.code == "date_out_of_range"


def test_an_operator_cancelling_a_series_sends_one_text(
    september, scenes, owner, choir, room, operator, sms_outbox, django_capture_on_commit_callbacks
):
    series = series_create(user=owner, group=choir, room=room, **inputs())
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = series_cancel(user=operator, series=series, reason="场馆装修")
    assert len(cancelled) == 4  # 09-15, 09-17, 09-22, 09-24 (09-29 on is too far ahead)
    assert [m.message for m in sms_outbox] == [
        "【邻里】您在五福茶馆议事茶亭的每周预约（9月15日 10:00 起共 4 次）已被场馆取消：场馆装修"
    ]
