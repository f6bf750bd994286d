"""The planner on a 360x640 phone: one day at a time, rooms as rows; and the scene form,
submitted wrong and then right."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from scenes.models import Scene
from tests.factories import RoomFactory

pytestmark = pytest.mark.browser


def _today():
    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def test_a_phone_shows_one_day_with_rooms_as_rows(
    signed_in_page, live_server, teahouse, room, operator
):
    reading = RoomFactory(venue=teahouse, name="社区书屋", order=9)
    page = signed_in_page(operator)
    page.goto(f"{live_server.url}/operate/venues/{teahouse.pk}/scenes/")

    assert not page.locator(".scene-weekview").is_visible()
    rows = page.locator(".scene-dayroom")
    assert rows.count() == 2
    assert rows.nth(1).locator("h3").inner_text() == "社区书屋"
    assert "09:00-18:00 公益时段" in rows.first.inner_text()
    current = page.locator(".scene-daytabs a[aria-current=date]")
    assert current.inner_text().split()[-1] == str(_today().day)
    # Nothing scrolls sideways, and the day's links are big enough to tap.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for link in page.locator(".scene-dayview a").all():
        box = link.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, link.inner_text()

    # The next day, in place (htmx), with the address to come back to.
    page.get_by_role("link", name="后一天").click()
    tomorrow = _today() + dt.timedelta(days=1)
    page.wait_for_url(lambda url: url.endswith(f"?day={tomorrow.isoformat()}"))
    assert page.locator(".scene-daytabs a[aria-current=date]").inner_text().split()[-1] == str(
        tomorrow.day
    )
    assert page.locator(".scene-dayroom").nth(1).get_by_text("公益时段").is_visible()
    assert reading.pk  # both rooms stay rows on every day


def test_the_scene_form_refused_then_saved(signed_in_page, live_server, teahouse, room, operator):
    reading = RoomFactory(venue=teahouse, name="社区书屋", order=9)
    page = signed_in_page(operator)
    page.goto(f"{live_server.url}/operate/venues/{teahouse.pk}/scenes/")
    page.get_by_role("link", name="新建场景").click()
    page.locator("#scene-editor form").wait_for()

    # "仅一天" shows the one date and hides the weekly fields.
    assert page.locator("#id_weekdays_0").is_visible()
    assert not page.locator("#id_one_off_date").is_visible()
    page.check("input[name=repeat][value=once]")
    assert page.locator("#id_one_off_date").is_visible()
    assert not page.locator("#id_weekdays_0").is_visible()

    # Wrong: no name, no room, a date gone by. The server says so in Chinese (no bubble).
    yesterday = _today() - dt.timedelta(days=1)
    page.fill("#id_one_off_date", yesterday.isoformat())
    page.fill("#id_starts", "19:00")
    page.fill("#id_ends", "21:00")
    page.get_by_role("button", name="保存场景").click()
    form = page.locator("#scene-editor form")
    page.get_by_text("请填写名称。").wait_for()
    assert "请填写名称。" in form.locator("#id_name_error, .errorlist").first.inner_text()
    assert not Scene.objects.filter(one_off_date__isnull=False).exists()
    page.fill("#id_name", "读书会")
    page.check(f"input[name=rooms][value='{reading.pk}']")
    page.get_by_role("button", name="保存场景").click()
    page.get_by_text(f"{yesterday.month}月{yesterday.day}日已经过去了").wait_for()
    # The one-off group stays shown after the round trip.
    assert page.locator("#id_one_off_date").is_visible()

    # Right: today, in 社区书屋 only.
    page.fill("#id_one_off_date", _today().isoformat())
    page.get_by_role("button", name="保存场景").click()
    page.get_by_text("场景“读书会”已创建。").wait_for()
    scene = Scene.objects.get(name="读书会")
    assert (scene.one_off_date, scene.all_rooms) == (_today(), False)
    assert list(scene.rooms.all()) == [reading]
