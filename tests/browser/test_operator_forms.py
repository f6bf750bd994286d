"""Every operator form, submitted with htmx at 360x640: invalid (the error is visible and
the input kept) and valid (the confirmation is visible where the operator is looking and
the change is shown). Each test marks the window first: a form that fell back to a full
page load (or vanished) would lose the mark (issue 7, item 0)."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from scenes.models import Event
from spaces.models import OpeningException, OpeningHours, Photo, Room

pytestmark = pytest.mark.browser

SH = ZoneInfo("Asia/Shanghai")


def open_page(signed_in_page, operator, url):
    page = signed_in_page(operator)
    page.goto(url)
    page.evaluate("window.linliMark = 'same page'")
    return page


def assert_no_reload(page):
    # htmx swapped the region in place; a full navigation would have reset window.
    assert page.evaluate("window.linliMark") == "same page"


def region(page):
    return page.locator("#operate-region")


def test_venue_details(signed_in_page, live_server, venue, operator):
    page = open_page(signed_in_page, operator, f"{live_server.url}/operate/venues/{venue.pk}/")
    page.fill("#id_name", "")
    page.fill("#id_address", "成都市成华区五福桥东路9号")
    page.get_by_role("button", name="保存", exact=True).click()
    region(page).locator(".errorlist").first.wait_for()
    assert page.input_value("#id_address") == "成都市成华区五福桥东路9号"

    page.fill("#id_name", "五福茶馆（新）")
    page.get_by_role("button", name="保存", exact=True).click()
    region(page).get_by_text("场馆信息已保存。").wait_for()
    assert page.input_value("#id_name") == "五福茶馆（新）"
    assert_no_reload(page)
    venue.refresh_from_db()
    assert (venue.name, venue.address) == ("五福茶馆（新）", "成都市成华区五福桥东路9号")


def test_add_room(signed_in_page, live_server, venue, operator):
    page = open_page(
        signed_in_page, operator, f"{live_server.url}/operate/venues/{venue.pk}/rooms/"
    )
    page.fill("#id_name", "长者空间")
    page.fill("#id_capacity", "0")  # a number field: the browser itself refuses "abc"
    page.get_by_role("button", name="添加").click()
    region(page).locator(".errorlist").first.wait_for()
    assert page.input_value("#id_name") == "长者空间"
    assert not Room.objects.exists()

    page.fill("#id_capacity", "20")
    page.get_by_role("button", name="添加").click()
    region(page).get_by_text("功能室已添加。").wait_for()
    assert page.locator("#room-list").get_by_role("link", name="长者空间").is_visible()
    assert_no_reload(page)
    assert Room.objects.get().capacity == 20


def test_edit_room(signed_in_page, live_server, room, operator):
    page = open_page(signed_in_page, operator, f"{live_server.url}/operate/rooms/{room.pk}/")
    page.fill("#id_name", "议事厅")
    page.fill("#id_capacity", "0")
    page.get_by_role("button", name="保存", exact=True).click()
    region(page).locator(".errorlist").first.wait_for()
    assert page.input_value("#id_name") == "议事厅"

    page.fill("#id_capacity", "30")
    page.get_by_role("button", name="保存", exact=True).click()
    region(page).get_by_text("功能室已保存。").wait_for()
    assert region(page).get_by_role("heading", name="议事厅").is_visible()
    assert_no_reload(page)
    room.refresh_from_db()
    assert (room.name, room.capacity) == ("议事厅", 30)


@pytest.mark.parametrize("bad", ["9点到12点", "abc"])
def test_opening_hours(signed_in_page, live_server, venue, operator, bad):
    page = open_page(
        signed_in_page, operator, f"{live_server.url}/operate/venues/{venue.pk}/hours/"
    )
    page.fill("#id_day_0", bad)
    page.get_by_role("button", name="保存开放时间").click()
    region(page).get_by_text(f"无法识别“{bad}”").wait_for()
    assert page.input_value("#id_day_0") == bad
    assert not OpeningHours.objects.exists()

    page.fill("#id_day_0", "9:00-12:00")
    page.get_by_role("button", name="保存开放时间").click()
    region(page).get_by_text("开放时间已保存。").wait_for()
    assert page.input_value("#id_day_0") == "09:00-12:00"
    assert_no_reload(page)
    assert list(OpeningHours.objects.values_list("day", "opens")) == [(0, dt.time(9))]


def test_date_exceptions(signed_in_page, live_server, venue, operator):
    url = f"{live_server.url}/operate/venues/{venue.pk}/exceptions/"
    page = open_page(signed_in_page, operator, url)
    day = dt.datetime.now(SH).date() + dt.timedelta(days=20)
    page.fill("#id_date", day.isoformat())
    page.fill("#id_hours", "9点到12点")
    page.fill("#id_reason", "设备检修")
    page.get_by_role("button", name="保存", exact=True).click()
    region(page).get_by_text("无法识别“9点到12点”").wait_for()
    assert page.input_value("#id_reason") == "设备检修"
    assert not OpeningException.objects.exists()

    page.fill("#id_hours", "")
    page.get_by_role("button", name="保存", exact=True).click()
    region(page).get_by_text("日期调整已保存。").wait_for()
    listed = page.locator("#exception-list")
    assert "设备检修" in listed.inner_text()
    assert page.input_value("#id_reason") == ""  # ready for the next one
    assert_no_reload(page)
    assert OpeningException.objects.get().date == day

    listed.get_by_role("button", name="删除").click()
    # The second step, in place of the row's button: nothing is deleted yet.
    listed.get_by_text("确定删除这条日期调整吗？").wait_for()
    assert OpeningException.objects.exists()
    listed.get_by_role("button", name="确认删除").click()
    region(page).get_by_text("已删除该日期的调整。").wait_for()
    assert "没有即将生效的日期调整。" in listed.inner_text()
    assert_no_reload(page)
    assert not OpeningException.objects.exists()


def _png(tmp_path):
    path = tmp_path / "teahouse.png"
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 120, 40)).save(buf, "PNG")
    path.write_bytes(buf.getvalue())
    return path


def test_photos(signed_in_page, live_server, venue, operator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    url = f"{live_server.url}/operate/venues/{venue.pk}/photos/"
    page = open_page(signed_in_page, operator, url)
    page.fill("#id_caption", "茶馆大厅")
    page.get_by_role("button", name="上传").click()  # no file chosen
    region(page).locator(".errorlist").first.wait_for()
    assert page.input_value("#id_caption") == "茶馆大厅"

    page.set_input_files("#id_image", str(_png(tmp_path)))
    page.get_by_role("button", name="上传").click()
    region(page).get_by_text("照片已上传。").wait_for()
    listed = page.locator("#photo-list")
    assert "茶馆大厅" in listed.inner_text()
    assert_no_reload(page)
    assert Photo.objects.get().caption == "茶馆大厅"

    listed.get_by_role("button", name="删除").click()
    listed.get_by_text("确定删除这张照片吗？").wait_for()
    assert Photo.objects.exists()
    listed.get_by_role("button", name="确认删除").click()
    region(page).get_by_text("照片已删除。").wait_for()
    assert "还没有照片。" in listed.inner_text()
    assert not Photo.objects.exists()


def test_publish_event(signed_in_page, live_server, venue, room, operator):
    venue.holiday_policy = "as_usual"
    venue.save()
    for d in range(7):
        OpeningHours.objects.create(venue=venue, day=d, opens=dt.time(9), closes=dt.time(21))
    url = f"{live_server.url}/operate/venues/{venue.pk}/events/"
    page = open_page(signed_in_page, operator, url)
    day = dt.datetime.now(SH).date() + dt.timedelta(days=10)
    page.fill("#id_title", "品茶议事")
    page.select_option("#id_room", str(room.pk))
    page.fill("#id_date", day.isoformat())
    page.fill("#id_starts", "22:00")
    page.fill("#id_ends", "23:00")
    page.fill("#id_capacity", "10")
    page.get_by_role("button", name="发布").click()
    region(page).locator(".errorlist").first.wait_for()
    assert page.input_value("#id_title") == "品茶议事"
    assert not Event.objects.exists()

    page.fill("#id_starts", "14:30")
    page.fill("#id_ends", "16:00")
    page.get_by_role("button", name="发布").click()
    region(page).get_by_text("已发布 1 场活动。").wait_for()
    assert region(page).get_by_role("link", name="品茶议事").is_visible()
    assert_no_reload(page)
    assert Event.objects.count() == 1


def test_an_error_answering_an_htmx_form_is_shown_not_swallowed(
    signed_in_page, live_server, venue, operator
):
    day = dt.datetime.now(SH).date() + dt.timedelta(days=20)
    row = OpeningException.objects.create(venue=venue, date=day, reason="设备检修")
    url = f"{live_server.url}/operate/venues/{venue.pk}/exceptions/"
    page = open_page(signed_in_page, operator, url)
    row.delete()  # meanwhile, in another tab

    page.locator("#exception-list").get_by_role("button", name="删除").click()
    page.get_by_role("heading", name="找不到这个页面").wait_for()
    assert page.get_by_role("link", name="回到首页").is_visible()
    assert_no_reload(page)
