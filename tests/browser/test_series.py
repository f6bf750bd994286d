"""A group leader books a weekly series on a small phone: the form wrong, then right, the
preview of every date, the confirmation, the series page."""

import datetime as dt

import pytest
from django.utils import timezone

from bookings.models import BookingSeries
from scenes.models import Group, GroupMembership, GroupVenueApproval
from tests.factories import ResidentFactory

pytestmark = pytest.mark.browser


def test_the_leader_fixes_the_form_then_books_a_series(signed_in_page, live_server, teahouse, room):
    leader = ResidentFactory(phone="13800000001", display_name="张阿姨")
    group = Group.objects.create(name="五福合唱团", created_by=leader)
    GroupMembership.objects.create(group=group, user=leader, role=GroupMembership.Role.LEADER)
    GroupVenueApproval.objects.create(
        group=group, venue=teahouse, status=GroupVenueApproval.Status.APPROVED
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page = signed_in_page(leader)
    page.goto(f"{live_server.url}/groups/{group.pk}/")
    page.get_by_role("link", name="每周固定预约功能室").click()
    page.get_by_role("heading", name="每周固定预约").wait_for()

    # Wrong: no weekday, the end before the start, neither weeks nor an end date.
    page.get_by_label("功能室").select_option(label=f"{teahouse.name} · {room.name}")
    page.get_by_label("开始时间").fill("10:00")
    page.get_by_label("结束时间").fill("09:00")
    page.get_by_label("从哪天开始").fill(tomorrow.isoformat())
    page.get_by_label("人数").fill("8")
    page.get_by_label("用途").fill("合唱排练")
    page.get_by_role("button", name="查看每个日期").click()
    page.get_by_text("请选择每周哪几天。").wait_for()
    assert page.get_by_label("用途").input_value() == "合唱排练"

    page.get_by_label("星期二").check()
    page.get_by_label("星期四").check()
    page.get_by_role("button", name="查看每个日期").click()
    page.get_by_text("结束时间须晚于开始时间。").wait_for()
    assert page.get_by_text("请填写重复周数或截止日期（二选一）。").is_visible()

    # Right.
    page.get_by_label("结束时间").fill("11:00")
    page.get_by_label("共几周").fill("2")
    page.get_by_role("button", name="查看每个日期").click()
    preview = page.locator("#series-preview")
    preview.wait_for()
    assert preview.locator(".series-date").count() == 4
    bookable = preview.locator(".badge.open").count()
    assert not BookingSeries.objects.exists()

    preview.get_by_role("button", name=f"确认预约这 {bookable} 次").click()
    page.get_by_text(f"已预约 {bookable} 次。", exact=False).wait_for()
    series = BookingSeries.objects.get()
    assert series.bookings.count() == bookable
    assert page.locator(".series-booked .series-date").count() == bookable
