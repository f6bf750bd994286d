"""The series pages: form -> preview (each date bookable or skipped, with the reason) ->
confirm -> the series page; cancel one date and all that remain, each in two steps."""

import pytest
from django.urls import reverse

from bookings.models import Booking, BookingSeries, Status

pytestmark = pytest.mark.django_db

FORM = {
    "room": None,
    "weekdays": ["1", "3"],
    "start_time": "10:00",
    "end_time": "11:00",
    "first_date": "2026-09-15",
    "weeks": "4",
    "until": "",
    "people": "8",
    "purpose": "合唱排练",
}


def form(room, **overrides):
    return {**FORM, "room": str(room.pk), **overrides}


def test_the_group_page_links_to_the_series_form(september, owner_client, choir):
    html = owner_client.get(reverse("scenes:group-detail", args=[choir.pk])).content.decode()
    assert reverse("bookings:series-new", args=[choir.pk]) in html


def test_preview_then_confirm(september, scenes, owner_client, choir, room):
    url = reverse("bookings:series-new", args=[choir.pk])
    assert owner_client.get(url).status_code == 200

    response = owner_client.post(url, form(room, step="preview"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "可以预约 4 次" in html
    assert "国庆节假期（10月1日至10月7日），本周暂停。" in html
    assert "最多可提前 14 天预约" in html
    assert html.count('name="weekdays"') >= 2  # the confirm form posts the choice again
    assert not Booking.objects.exists()

    response = owner_client.post(url, form(room, step="confirm"))
    series = BookingSeries.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("bookings:series-detail", args=[series.public_id])
    assert series.bookings.count() == 4
    html = owner_client.get(response.url).content.decode()
    assert "已预约 4 次。" in html
    assert "未能预约的日期" in html and "10月6日" in html


def test_wrong_input_is_shown_next_to_the_fields(september, scenes, owner_client, choir, room):
    url = reverse("bookings:series-new", args=[choir.pk])
    response = owner_client.post(
        url, form(room, weekdays=[], end_time="09:00", weeks="", until="", step="preview")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "请选择每周哪几天。" in html
    response = owner_client.post(url, form(room, end_time="09:00", step="preview"))
    assert "结束时间须晚于开始时间。" in response.content.decode()
    response = owner_client.post(url, form(room, weeks="", step="preview"))
    assert "请填写重复周数或截止日期（二选一）。" in response.content.decode()
    assert not BookingSeries.objects.exists()


def test_only_the_leader_opens_the_form(september, other_client, choir):
    response = other_client.get(reverse("bookings:series-new", args=[choir.pk]))
    assert response.status_code == 403


def test_cancel_one_date_and_all_that_remain_in_two_steps(
    september, scenes, owner_client, other_client, choir, room
):
    owner_client.post(reverse("bookings:series-new", args=[choir.pk]), form(room, step="confirm"))
    series = BookingSeries.objects.get()
    first = series.bookings.order_by("starts_at").first()
    detail = reverse("bookings:series-detail", args=[series.public_id])
    assert other_client.get(detail).status_code == 404

    one = reverse("bookings:series-cancel-date", args=[series.public_id, first.public_id])
    response = owner_client.post(one)
    assert response.status_code == 200 and "确认取消这一次" in response.content.decode()
    assert series.bookings.filter(status=Status.CANCELLED).count() == 0
    response = owner_client.post(one, {"confirm": "yes"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == Status.CANCELLED

    everything = reverse("bookings:series-cancel", args=[series.public_id])
    response = owner_client.post(everything)
    assert "确定取消还没开始的 3 次吗？" in response.content.decode()
    assert series.bookings.filter(status=Status.CANCELLED).count() == 1
    owner_client.post(everything, {"confirm": "yes"})
    assert series.bookings.filter(status=Status.CANCELLED).count() == 4
