"""The forms htmx does not enhance (a plain POST, then a redirect or the form again), at
360x640: invalid (the error is visible, the input kept) and valid (the confirmation shows
and the change is visible). Group forms are covered in test_events.py / by their owners."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from accounts.models import User
from scenes.models import Event
from tests.factories import UserFactory, VenueRoleFactory

pytestmark = pytest.mark.browser

SH = ZoneInfo("Asia/Shanghai")


def test_staff_sign_in(page, live_server, venue):
    staff = UserFactory(username="wufu-desk", is_staff=True, password="a-long-demo-password")
    VenueRoleFactory(user=staff, venue=venue, role="operator")
    page.goto(f"{live_server.url}/accounts/staff/sign-in/")
    page.fill("#id_username", "wufu-desk")
    page.fill("#id_password", "not-the-password")
    page.get_by_role("button", name="登录").last.click()
    page.locator(".form-error, .errorlist").first.wait_for()
    assert page.input_value("#id_username") == "wufu-desk"

    page.fill("#id_password", "a-long-demo-password")
    page.get_by_role("button", name="登录").last.click()
    page.get_by_role("link", name=venue.name).wait_for()


def test_display_name(signed_in_page, live_server, owner):
    page = signed_in_page(owner)
    page.goto(f"{live_server.url}/accounts/me/")
    page.fill("#id_display_name", "张阿姨")
    page.get_by_role("button", name="保存称呼").click()
    page.get_by_text("称呼已保存。").wait_for()
    assert page.input_value("#id_display_name") == "张阿姨"
    owner.refresh_from_db()
    assert owner.display_name == "张阿姨"


def test_delete_account(signed_in_page, live_server, owner):
    page = signed_in_page(owner)
    page.goto(f"{live_server.url}/accounts/me/delete/")
    page.get_by_role("button", name="确认注销").click()
    page.get_by_text("请勾选确认后再注销。").wait_for()
    assert User.objects.filter(pk=owner.pk).exists()

    page.check("#id_confirm")
    page.get_by_role("button", name="确认注销").click()
    page.wait_for_url(lambda url: "/accounts/me/delete/" not in url)
    assert not User.objects.filter(pk=owner.pk, phone=owner.phone).exists()


def test_cancel_an_event(signed_in_page, live_server, venue, room, operator):
    start = dt.datetime.now(SH).replace(microsecond=0) + dt.timedelta(days=10)
    event = Event.objects.create(
        venue=venue,
        room=room,
        title="品茶议事",
        capacity=10,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    page = signed_in_page(operator)
    page.goto(f"{live_server.url}/operate/venues/{venue.pk}/events/{event.pk}/")
    page.fill("#id_reason", "场地维修")
    page.get_by_role("button", name="取消活动并通知居民").click()
    page.get_by_text("确定取消“品茶议事”吗？").wait_for()
    event.refresh_from_db()
    assert not event.is_cancelled
    page.get_by_role("button", name="确认取消活动").click()
    page.get_by_text("已取消 1 场活动").wait_for()
    assert page.get_by_text("取消原因：场地维修").is_visible()
    event.refresh_from_db()
    assert event.is_cancelled
