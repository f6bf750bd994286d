"""Destructive actions take a second, explicit step, with htmx and without JavaScript.

Deleting a dated exception or a photo, and cancelling an event, are walked in
test_operator_forms.py / test_plain_forms.py; here: 取消报名 (in place on the card, and on a
browser with JavaScript off), deleting a room, removing a group member.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client

from scenes.models import Event, EventRegistration
from scenes.services.group_invitations import group_join
from scenes.services.groups import group_create
from scenes.services.registrations import event_register
from spaces.models import Room

pytestmark = pytest.mark.browser

SH = ZoneInfo("Asia/Shanghai")


def _event(room) -> Event:
    start = dt.datetime.now(SH).replace(microsecond=0) + dt.timedelta(days=3)
    return Event.objects.create(
        venue=room.venue,
        room=room,
        title="品茶议事",
        capacity=10,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )


def test_unregistering_asks_on_the_card(signed_in_page, live_server, room, owner):
    event = _event(room)
    event_register(user=owner, event=event)
    page = signed_in_page(owner)
    page.goto(f"{live_server.url}/events/")
    card = page.locator(f"#event-{event.pk}")
    card.get_by_role("button", name="取消报名").click()
    card.get_by_text("确定取消报名吗？名额会让给候补的居民。").wait_for()
    assert EventRegistration.objects.get().status == "registered"
    assert page.url == f"{live_server.url}/events/"  # asked in place

    card.get_by_role("button", name="确认取消报名").click()
    card.get_by_text("已取消报名。").wait_for()
    assert EventRegistration.objects.get().status == "cancelled"


def test_unregistering_asks_without_javascript(browser, live_server, room, owner):
    event = _event(room)
    event_register(user=owner, event=event)
    client = Client()
    client.force_login(owner)
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, locale="zh-CN", java_script_enabled=False
    )
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/events/{event.pk}/")
        page.get_by_role("button", name="取消报名").click()
        page.get_by_text("确定取消报名吗？").wait_for()
        assert EventRegistration.objects.get().status == "registered"
        page.get_by_role("button", name="确认取消报名").click()
        page.get_by_text("已取消报名。").wait_for()
        assert EventRegistration.objects.get().status == "cancelled"
    finally:
        context.close()


def test_deleting_a_room_asks_first(signed_in_page, live_server, room, operator):
    page = signed_in_page(operator)
    page.goto(f"{live_server.url}/operate/rooms/{room.pk}/")
    page.get_by_role("button", name="删除该功能室").click()
    page.get_by_text("确定删除功能室“议事茶亭”吗？").wait_for()
    assert Room.objects.filter(pk=room.pk).exists()
    page.get_by_role("link", name="不了，返回").click()
    page.get_by_role("button", name="删除该功能室").wait_for()
    assert Room.objects.filter(pk=room.pk).exists()

    page.get_by_role("button", name="删除该功能室").click()
    page.get_by_role("button", name="确认删除").click()
    page.get_by_text("功能室已删除。").wait_for()
    assert not Room.objects.filter(pk=room.pk).exists()


def test_removing_a_group_member_asks_first(signed_in_page, live_server, owner, other_resident):
    group = group_create(user=owner, name="五福合唱团")
    group_join(user=other_resident, code=group.invite_code)
    page = signed_in_page(owner)
    page.goto(f"{live_server.url}/groups/{group.pk}/")
    page.get_by_role("button", name="移出李叔").click()
    page.get_by_text("确定将李叔移出“五福合唱团”吗？").wait_for()
    assert group.memberships.count() == 2
    page.get_by_role("button", name="确认移出").click()
    page.get_by_text("已将李叔移出。").wait_for()
    assert group.memberships.count() == 1
