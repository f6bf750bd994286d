import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from spaces.models import OpeningException, OpeningHours, Room
from tests.factories import VenueFactory, weekly_hours

SH = ZoneInfo("Asia/Shanghai")
T = dt.time


@time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=SH), tick=False)
def test_home_lists_venues_with_open_status(anonymous, venue):
    weekly_hours(venue)
    html = anonymous.get("/").content.decode()
    assert "五福茶馆" in html
    assert "开放中 · 21:00 关门" in html


def test_venue_list_htmx_request_returns_only_the_results_fragment(anonymous, venue):
    response = anonymous.get(
        "/venues/", {"kind": "teahouse"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="venue-results"
    )
    html = response.content.decode()
    assert "五福茶馆" in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_venue_list_sorts_by_shared_location(anonymous, db):
    VenueFactory(name="远", latitude=30.80, longitude=104.09)
    VenueFactory(name="近", latitude=30.70, longitude=104.09)
    html = anonymous.get("/venues/", {"lat": "30.699", "lon": "104.09"}).content.decode()
    assert html.index("近") < html.index("远")
    assert "米" in html


@time_machine.travel(dt.datetime(2026, 9, 28, 10, 0, tzinfo=SH), tick=False)
def test_detail_marks_holidays_and_exceptions_in_the_week(anonymous, venue, room):
    weekly_hours(venue)
    OpeningException.objects.create(venue=venue, date=dt.date(2026, 9, 29), reason="设备检修")
    html = anonymous.get(f"/venues/{venue.pk}/").content.decode()
    assert "设备检修" in html
    assert "国庆节" in html
    assert "议事茶亭" in html
    assert "uri.amap.com" in html


def test_detail_week_navigation_fragment(anonymous, venue):
    response = anonymous.get(
        f"/venues/{venue.pk}/",
        {"week": "2027-02-01"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="week-hours",
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "2月1日" in html
    assert '<p class="notice">2027年安排尚未公布，以下按法定节日暂定。</p>' in html
    # The law's Spring Festival break (Fri 2-5 to Mon 2-8) is marked before the notice:
    # Friday to Sunday of this week.
    assert html.count("农历除夕、春节") == 3


def test_operator_pages_require_the_venue_role(other_client, operator_client, venue):
    assert other_client.get(f"/operate/venues/{venue.pk}/").status_code == 403
    assert operator_client.get(f"/operate/venues/{venue.pk}/").status_code == 200
    assert operator_client.get(f"/operate/venues/{VenueFactory().pk}/").status_code == 403


def test_anonymous_is_sent_to_staff_sign_in(anonymous, venue):
    response = anonymous.get(f"/operate/venues/{venue.pk}/hours/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/staff/sign-in/")


def test_hours_form_keeps_input_and_shows_the_error(operator_client, venue):
    response = operator_client.post(
        f"/operate/venues/{venue.pk}/hours/",
        {"day_0": "09:00-12:00, 11:00-13:00", "day_1": "09:00-21:00"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "09:00-12:00, 11:00-13:00" in html  # nothing the operator typed is lost
    assert "errorlist" in html
    assert not OpeningHours.objects.exists()


def test_hours_form_saves_overnight_and_holiday_hours(operator_client, venue):
    response = operator_client.post(
        f"/operate/venues/{venue.pk}/hours/",
        {"day_4": "09:00-12:00, 18:00-次日02:00", "day_7": "10:00-16:00"},
    )
    assert response.status_code == 302
    assert list(
        OpeningHours.objects.order_by("day", "opens").values_list(
            "day", "opens", "closes", "overnight"
        )
    ) == [
        (4, T(9), T(12), False),
        (4, T(18), T(2), True),
        (7, T(10), T(16), False),
    ]


def test_hours_form_rejects_an_undeclared_overnight(operator_client, venue):
    response = operator_client.post(f"/operate/venues/{venue.pk}/hours/", {"day_0": "21:00-09:00"})
    assert response.status_code == 200
    assert "21:00-09:00" in response.content.decode()
    assert not OpeningHours.objects.exists()


@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=SH), tick=False)
def test_exception_form_creates_closed_day(operator_client, venue):
    response = operator_client.post(
        f"/operate/venues/{venue.pk}/exceptions/",
        {"date": "2026-12-09", "hours": "", "reason": "设备检修", "room": ""},
    )
    assert response.status_code == 302
    row = OpeningException.objects.get()
    assert (row.date, row.opens, row.reason) == (dt.date(2026, 12, 9), None, "设备检修")


@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=SH), tick=False)
def test_an_exception_in_the_past_is_refused_next_to_the_date(operator_client, venue):
    url = f"/operate/venues/{venue.pk}/exceptions/"
    data = {"date": "2026-11-30", "hours": "", "reason": "设备检修"}
    html = htmx_post(operator_client, url, data).content.decode()
    assert REGION in html
    assert (
        '<ul class="errorlist" id="id_date_error">'
        "<li>11月30日已经过去了（今天是12月1日），请选择今天或以后的日期。</li></ul>"
    ) in html
    assert 'value="设备检修"' in html
    assert not OpeningException.objects.exists()


@pytest.mark.parametrize("capacity", ["0", "-3", "abc"])
def test_room_form_rejects_bad_capacity(operator_client, venue, capacity):
    response = operator_client.post(
        f"/operate/venues/{venue.pk}/rooms/", {"name": "新房", "capacity": capacity, "order": 0}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Room.objects.filter(name="新房").exists()


def test_geocode_action_fills_coordinates_without_saving(operator_client, venue, settings):
    settings.GEOCODER = "tests.spaces.test_views.fake_geocoder"
    response = operator_client.post(
        f"/operate/venues/{venue.pk}/",
        {
            "action": "geocode",
            "name": venue.name,
            "kind": venue.kind,
            "address": "成都市成华区五福桥东路9号",
            "latitude": "1",
            "longitude": "1",
            "coordinate_system": "wgs84",
            "time_zone": "Asia/Shanghai",
            "holiday_policy": "closed",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="30.710000"' in html
    venue.refresh_from_db()
    assert venue.latitude == pytest.approx(30.705)  # the operator still has to save


def fake_geocoder(address):
    return (30.71, 104.1)


def test_operator_navigation_shows_tabs_registered_by_later_apps(operator_client, venue):
    from spaces.extensions import operator_links

    html = operator_client.get(f"/operate/venues/{venue.pk}/hours/").content.decode()
    for link in operator_links():
        assert str(link.label) in html
    assert "场景安排" in html  # scenes registers its planner tab in AppConfig.ready()


def test_the_venue_page_loads_hours_and_rooms_once_for_every_panel(
    anonymous, venue, room, django_assert_num_queries
):
    from tests.factories import make_scene

    weekly_hours(venue)
    make_scene(venue)
    anonymous.get(f"/venues/{venue.pk}/")  # the first view caches the venue's scenes
    # venue, rooms, room photos, venue photos, hours, exceptions, the schedule token (the
    # scenes are cached: scenes.schedule_cache), events. The scene panels reuse the page's
    # rooms and hours instead of loading them again (that was 15 queries).
    with django_assert_num_queries(8):
        response = anonymous.get(f"/venues/{venue.pk}/")
    assert "公益时段" in response.content.decode()


@pytest.mark.parametrize("week", ["9999-12-30", "0001-01-01", "2026-13-01"])
def test_an_out_of_range_week_shows_this_week(anonymous, venue, week):
    response = anonymous.get(f"/venues/{venue.pk}/", {"week": week})
    assert response.status_code == 200
    assert response.context["week_start"] == response.context["today"]


def test_room_hours_form_says_closed_apart_from_following_the_venue(operator_client, venue, room):
    url = f"/operate/venues/{venue.pk}/hours/"
    response = operator_client.post(
        url, {"room": room.pk, "day_0": "14:00-18:00", "day_1": "休息", "day_7": "关闭"}
    )
    assert response.status_code == 302
    assert sorted(room.hours.values_list("day", "opens", "closes")) == [
        (0, dt.time(14), dt.time(18)),
        (1, None, None),
        (7, None, None),
    ]
    html = operator_client.get(url, {"room": room.pk}).content.decode()
    assert '<input type="text" name="day_1" value="休息" id="id_day_1">' in html
    assert '<input type="text" name="day_2" id="id_day_2">' in html  # blank: follows
    assert "某天留空表示这天跟随场馆；填“休息”表示这天关闭。" in html
    # For the venue, a closed word is just a closed day: no row at all.
    operator_client.post(url, {"day_0": "09:00-21:00", "day_6": "休息"})
    assert list(venue.hours.filter(room=None).values_list("day", flat=True)) == [0]


@pytest.mark.usefixtures("november")
def test_hours_that_close_an_event_ask_then_cancel_with_a_message(
    operator_client, venue, published_event
):
    url = f"/operate/venues/{venue.pk}/hours/"
    week = {f"day_{d}": "09:00-18:00" for d in range(7)}
    asked = operator_client.post(url, week, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="operate-region")
    html = asked.content.decode()
    assert asked.status_code == 200
    assert "此更改会影响 1 个已发布的活动" in html
    assert "11月25日 19:00-20:00 议事茶亭 · 品茶议事（已报名 0 人）" in html
    assert "该时段将不在开放时间内" in html
    assert 'name="on_conflict"' in html and 'value="09:00-18:00"' in html
    assert set(OpeningHours.objects.values_list("closes", flat=True)) == {dt.time(21)}

    done = operator_client.post(
        url, {**week, "on_conflict": "cancel", "cancel_message": "冬季提前闭馆"}
    )
    assert done.status_code == 302
    published_event.refresh_from_db()
    assert (published_event.status, published_event.cancel_reason) == ("cancelled", "冬季提前闭馆")
    assert set(OpeningHours.objects.values_list("closes", flat=True)) == {dt.time(18)}


@pytest.mark.usefixtures("november")
def test_a_closing_exception_asks_then_keeps_the_event(operator_client, venue, published_event):
    url = f"/operate/venues/{venue.pk}/exceptions/"
    data = {"date": "2026-11-25", "room": "", "hours": "", "reason": "社区选举"}
    asked = operator_client.post(url, data)
    assert asked.status_code == 200
    assert "品茶议事" in asked.content.decode()
    assert not OpeningException.objects.exists()
    kept = operator_client.post(url, {**data, "on_conflict": "keep"})
    assert kept.status_code == 302
    assert OpeningException.objects.get().reason == "社区选举"
    published_event.refresh_from_db()
    assert published_event.status == "published"


@pytest.mark.usefixtures("november")
def test_deleting_special_hours_an_event_needs_asks_first(operator, operator_client, venue, room):
    from scenes.services.events import event_publish
    from spaces.services import exception_set

    weekly_hours(venue, dt.time(9), dt.time(18))
    [row] = exception_set(
        user=operator,
        venue=venue,
        date=dt.date(2026, 11, 27),
        reason="延长开放",
        intervals=[(dt.time(9), dt.time(22), False)],
    )
    [event] = event_publish(
        user=operator,
        venue=venue,
        room=room,
        title="夜读会",
        capacity=10,
        starts_at=dt.datetime(2026, 11, 27, 20, tzinfo=SH),
        ends_at=dt.datetime(2026, 11, 27, 21, tzinfo=SH),
    )
    url = f"/operate/venues/{venue.pk}/exceptions/"
    asked = operator_client.post(url, {"action": "delete", "id": row.pk, "confirm": "yes"})
    assert asked.status_code == 200
    assert "夜读会" in asked.content.decode()
    assert OpeningException.objects.filter(pk=row.pk).exists()
    done = operator_client.post(
        url, {"action": "delete", "id": row.pk, "on_conflict": "cancel", "cancel_message": ""}
    )
    assert done.status_code == 302
    assert not OpeningException.objects.exists()
    event.refresh_from_db()
    assert event.status == "cancelled"


def test_deleting_a_room_with_an_event_asks_then_cancels(
    operator_client, venue, room, published_event
):
    url = f"/operate/rooms/{room.pk}/"
    asked = operator_client.post(url, {"action": "delete", "confirm": "yes"})
    html = asked.content.decode()
    assert asked.status_code == 200
    assert "11月25日 19:00-20:00 议事茶亭 · 品茶议事（已报名 0 人）" in html
    assert '<input type="hidden" name="on_conflict" value="cancel">' in html
    assert Room.objects.filter(pk=room.pk).exists()
    done = operator_client.post(url, {"action": "delete", "on_conflict": "cancel"})
    assert done.status_code == 302
    assert not Room.objects.filter(pk=room.pk).exists()


# --- the form convention (linli/pages.py): every operator form, plain and with htmx -------

REGION = 'id="operate-region"'


def htmx_post(client, url, data):
    """What htmx sends for a form of the convention: it swaps #operate-region."""
    return client.post(url, data, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="operate-region")


def venue_data(venue, **overrides):
    return {
        "name": venue.name,
        "kind": venue.kind,
        "address": venue.address,
        "latitude": "30.705000",
        "longitude": "104.092000",
        "coordinate_system": "wgs84",
        "time_zone": "Asia/Shanghai",
        "holiday_policy": "closed",
        **overrides,
    }


def test_venue_form_plain_post_redirects_with_the_message(operator_client, venue):
    url = f"/operate/venues/{venue.pk}/"
    response = operator_client.post(url, venue_data(venue, name="五福茶馆（新）"))
    assert (response.status_code, response["Location"]) == (302, url)
    assert "场馆信息已保存。" in operator_client.get(url).content.decode()
    venue.refresh_from_db()
    assert venue.name == "五福茶馆（新）"


def test_venue_form_with_htmx_confirms_inside_the_region(operator_client, venue):
    url = f"/operate/venues/{venue.pk}/"
    response = htmx_post(operator_client, url, venue_data(venue, name="五福茶馆（新）"))
    html = response.content.decode()
    assert response.status_code == 200
    assert REGION in html and "<html" not in html
    assert "场馆信息已保存。" in html
    assert 'value="五福茶馆（新）"' in html
    # Confirmed here, so it does not turn up again on the next page.
    assert "场馆信息已保存。" not in operator_client.get(url).content.decode()


def test_venue_form_with_htmx_keeps_input_and_shows_the_error(operator_client, venue):
    data = venue_data(venue, name="", address="成都市成华区某路2号", latitude="abc")
    response = htmx_post(operator_client, f"/operate/venues/{venue.pk}/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert REGION in html
    assert 'value="成都市成华区某路2号"' in html
    assert html.count('class="errorlist') >= 2
    venue.refresh_from_db()
    assert venue.name == "五福茶馆"


def test_room_add_with_htmx_refreshes_the_list(operator_client, venue, room):
    response = htmx_post(
        operator_client,
        f"/operate/venues/{venue.pk}/rooms/",
        {"name": "长者空间", "capacity": "20", "order": "0"},
    )
    html = response.content.decode()
    assert REGION in html
    assert "功能室已添加。" in html
    assert "长者空间" in html.split('id="room-list"')[1].split("</ul>")[0]
    assert 'value="长者空间"' not in html  # a fresh form for the next room
    assert Room.objects.filter(venue=venue, name="长者空间", capacity=20).exists()


def test_room_add_plain_post_redirects_with_the_message(operator_client, venue):
    url = f"/operate/venues/{venue.pk}/rooms/"
    response = operator_client.post(url, {"name": "长者空间", "capacity": "20", "order": "0"})
    assert (response.status_code, response["Location"]) == (302, url)
    assert "功能室已添加。" in operator_client.get(url).content.decode()


def test_room_add_with_htmx_keeps_input_on_error(operator_client, venue):
    response = htmx_post(
        operator_client,
        f"/operate/venues/{venue.pk}/rooms/",
        {"name": "长者空间", "capacity": "abc", "order": "0"},
    )
    html = response.content.decode()
    assert REGION in html and "errorlist" in html
    assert 'value="长者空间"' in html
    assert not Room.objects.filter(name="长者空间").exists()


def test_room_edit_with_htmx_confirms_and_shows_the_new_name(operator_client, room):
    url = f"/operate/rooms/{room.pk}/"
    data = {"name": "议事厅", "capacity": "30", "order": "1", "is_bookable": "on"}
    html = htmx_post(operator_client, url, data).content.decode()
    assert REGION in html
    assert "功能室已保存。" in html
    assert "<h2>议事厅</h2>" in html
    room.refresh_from_db()
    assert (room.name, room.capacity) == ("议事厅", 30)


def test_room_edit_plain_post_keeps_input_on_error(operator_client, room):
    url = f"/operate/rooms/{room.pk}/"
    response = operator_client.post(url, {"name": "议事厅", "capacity": "0", "order": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="议事厅"' in html and "errorlist" in html
    room.refresh_from_db()
    assert room.name == "议事茶亭"


@pytest.mark.parametrize("bad", ["9点到12点", "abc"])
@pytest.mark.parametrize("post", [htmx_post, lambda c, u, d: c.post(u, d)], ids=["htmx", "plain"])
def test_hours_form_shows_the_error_for_words_as_hours(operator_client, venue, bad, post):
    response = post(operator_client, f"/operate/venues/{venue.pk}/hours/", {"day_0": bad})
    html = response.content.decode()
    assert response.status_code == 200
    assert REGION in html
    assert f'value="{bad}"' in html
    assert f"无法识别“{bad}”" in html
    assert not OpeningHours.objects.exists()


def test_hours_form_with_htmx_confirms_and_shows_the_saved_hours(operator_client, venue, room):
    url = f"/operate/venues/{venue.pk}/hours/?room={room.pk}"
    html = htmx_post(
        operator_client, url, {"day_0": "9:00-12:00", "room": room.pk}
    ).content.decode()
    assert REGION in html
    assert "开放时间已保存。" in html
    assert 'value="09:00-12:00"' in html  # as saved, normalised
    assert list(OpeningHours.objects.values_list("room", "day", "opens")) == [(room.pk, 0, T(9))]


def test_exception_form_with_htmx_adds_the_day_to_the_list(operator_client, venue):
    url = f"/operate/venues/{venue.pk}/exceptions/"
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=SH), tick=False):
        response = htmx_post(
            operator_client, url, {"date": "2026-12-09", "hours": "", "reason": "设备检修"}
        )
    html = response.content.decode()
    assert REGION in html
    assert "日期调整已保存。" in html
    assert "设备检修" in html.split('id="exception-list"')[1].split("</ul>")[0]
    assert OpeningException.objects.get().reason == "设备检修"


@pytest.mark.parametrize("bad", ["9点到12点", "abc"])
def test_exception_form_with_htmx_keeps_input_on_error(operator_client, venue, bad):
    url = f"/operate/venues/{venue.pk}/exceptions/"
    data = {"date": "2026-12-09", "hours": bad, "reason": "设备检修"}
    html = htmx_post(operator_client, url, data).content.decode()
    assert REGION in html
    assert f'value="{bad}"' in html and 'value="设备检修"' in html
    assert f"无法识别“{bad}”" in html
    assert not OpeningException.objects.exists()


@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=SH), tick=False)
def test_exception_delete_with_htmx_refreshes_the_list(operator_client, venue):
    row = OpeningException.objects.create(venue=venue, date=dt.date(2026, 12, 9), reason="设备检修")
    url = f"/operate/venues/{venue.pk}/exceptions/"
    html = htmx_post(
        operator_client, url, {"action": "delete", "id": row.pk, "confirm": "yes"}
    ).content.decode()
    assert "已删除该日期的调整。" in html
    assert "没有即将生效的日期调整。" in html
    assert not OpeningException.objects.exists()


# --- destructive actions ask first (linli/pages.py, confirmation()) -----------------------


def test_deleting_a_room_asks_first_then_deletes(operator_client, room):
    url = f"/operate/rooms/{room.pk}/"
    asked = operator_client.post(url, {"action": "delete"})
    html = asked.content.decode()
    assert asked.status_code == 200
    assert f"确定删除功能室“{room.name}”吗？" in html
    assert '<input type="hidden" name="confirm" value="yes">' in html
    assert Room.objects.filter(pk=room.pk).exists()
    done = operator_client.post(url, {"action": "delete", "confirm": "yes"})
    assert done.status_code == 302
    assert not Room.objects.filter(pk=room.pk).exists()


@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=SH), tick=False)
def test_deleting_an_exception_asks_first_in_place_with_htmx(operator_client, venue):
    row = OpeningException.objects.create(venue=venue, date=dt.date(2026, 12, 9), reason="设备检修")
    url = f"/operate/venues/{venue.pk}/exceptions/"
    html = htmx_post(operator_client, url, {"action": "delete", "id": row.pk}).content.decode()
    assert "确定删除这条日期调整吗？" in html
    assert f'<input type="hidden" name="id" value="{row.pk}">' in html
    assert 'hx-target="#operate-region"' in html
    assert OpeningException.objects.filter(pk=row.pk).exists()
    # Without JavaScript the same question comes as the page.
    plain = operator_client.post(url, {"action": "delete", "id": row.pk})
    assert plain.status_code == 200 and "确定删除这条日期调整吗？" in plain.content.decode()
    assert OpeningException.objects.filter(pk=row.pk).exists()


def test_deleting_a_photo_asks_first_then_deletes(operator_client, venue):
    from spaces.models import Photo

    photo = Photo.objects.create(venue=venue, image="venue-x/a.webp", width=1, height=1)
    url = f"/operate/venues/{venue.pk}/photos/"
    asked = operator_client.post(url, {"action": "delete", "id": photo.pk})
    assert asked.status_code == 200
    assert "确定删除这张照片吗？" in asked.content.decode()
    assert Photo.objects.filter(pk=photo.pk).exists()
    done = operator_client.post(url, {"action": "delete", "id": photo.pk, "confirm": "yes"})
    assert done.status_code == 302
    assert not Photo.objects.filter(pk=photo.pk).exists()


# --- malformed, missing and foreign ids inside forms and query strings --------------------


@pytest.mark.parametrize("page", ["exceptions", "photos"])
@pytest.mark.parametrize("bad", ["abc", "", "-1", "99999999999999999999", "987654321"])
def test_delete_with_a_malformed_or_missing_id_is_a_404(operator_client, venue, page, bad):
    url = f"/operate/venues/{venue.pk}/{page}/"
    response = operator_client.post(url, {"action": "delete", "id": bad})
    assert response.status_code == 404
    response = operator_client.post(url, {"action": "delete"})
    assert response.status_code == 404


def test_delete_of_another_venues_exception_or_photo_is_a_404(operator_client, venue):
    from spaces.models import Photo

    other = VenueFactory()
    row = OpeningException.objects.create(venue=other, date=dt.date(2026, 12, 9), reason="检修")
    photo = Photo.objects.create(venue=other, image="venue-x/a.webp", width=1, height=1)
    url = f"/operate/venues/{venue.pk}"
    response = operator_client.post(f"{url}/exceptions/", {"action": "delete", "id": row.pk})
    assert response.status_code == 404
    response = operator_client.post(f"{url}/photos/", {"action": "delete", "id": photo.pk})
    assert response.status_code == 404
    assert OpeningException.objects.filter(pk=row.pk).exists()
    assert Photo.objects.filter(pk=photo.pk).exists()


@pytest.mark.parametrize("bad", ["abc", "-1", "99999999999999999999", "987654321"])
def test_hours_for_a_malformed_or_missing_room_is_a_404(operator_client, venue, bad):
    url = f"/operate/venues/{venue.pk}/hours/"
    assert operator_client.get(url, {"room": bad}).status_code == 404
    assert operator_client.post(url, {"room": bad, "day_0": "09:00-12:00"}).status_code == 404
    assert not OpeningHours.objects.exists()


def test_hours_for_another_venues_room_is_a_404(operator_client, venue):
    from tests.factories import RoomFactory

    other_room = RoomFactory()
    url = f"/operate/venues/{venue.pk}/hours/"
    assert operator_client.get(url, {"room": other_room.pk}).status_code == 404


@pytest.mark.parametrize("query", ["community=99999999999999999999", "community=abc"])
def test_venue_list_ignores_a_malformed_community_filter(anonymous, venue, query):
    response = anonymous.get(f"/venues/?{query}")
    assert response.status_code == 200
    assert "五福茶馆" in response.content.decode()


# --- the venue page leads with what a resident needs now (issue 8) ---------------------------


def week_items(html: str) -> list[str]:
    """The week's lines, as text: "9月29日 周二 至 10月1日 周四 09:00–21:00"."""
    import re

    week = html.split('<ol class="vh-week">', 1)[1].split("</ol>", 1)[0]
    items = re.findall(r"<li .*?</li>", week, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


@time_machine.travel(dt.datetime(2026, 9, 28, 10, 0, tzinfo=SH), tick=False)
def test_the_venue_page_puts_now_and_next_before_the_week(anonymous, venue, room):
    from scenes.models import Event

    weekly_hours(venue)
    starts_at = dt.datetime(2026, 9, 29, 14, 30, tzinfo=SH)
    Event.objects.create(
        venue=venue,
        room=room,
        title="品茶议事",
        capacity=5,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
    )
    venue.description = "五福桥社区的社区茶馆。"
    venue.save()

    html = anonymous.get(f"/venues/{venue.pk}/").content.decode()

    order = [
        'id="venue-status"',
        "开放中 · 21:00 关门",
        f'href="/events/?venue={venue.pk}">本馆全部活动',
        'href="#visit-title">怎么去',
        "近期活动",
        "品茶议事",
        "登录后报名",
        'id="hours-title"',
        "场馆介绍",
        "五福桥社区的社区茶馆。",
        'id="rooms-title"',
        'id="visit-title"',
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)


@time_machine.travel(dt.datetime(2026, 9, 28, 10, 0, tzinfo=SH), tick=False)
def test_the_week_is_one_block_with_alike_days_merged(anonymous, venue, room):
    weekly_hours(venue)  # 09:00-21:00 every day
    OpeningException.objects.create(venue=venue, date=dt.date(2026, 9, 29), reason="设备检修")

    html = anonymous.get(f"/venues/{venue.pk}/").content.decode()

    # Today alone; an exception alone; the National Day break (closed, the default policy)
    # day by day under its label, never merged into a range that would hide it.
    items = week_items(html)
    assert items[:3] == [
        "9月28日 周一 今天 09:00–21:00",
        "9月29日 周二 闭馆 设备检修",
        "9月30日 周三 09:00–21:00",
    ]
    assert items[3] == "10月1日 周四 闭馆 国庆节"
    assert len(items) == 7
    assert all("至" not in item for item in items)
    assert "hours-table" not in html
    assert "本周场景" not in html


@time_machine.travel(dt.datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False)
def test_an_ordinary_week_reads_like_a_notice(anonymous, venue, room):
    weekly_hours(venue, T(9), T(21), days=range(5))
    weekly_hours(venue, T(10), T(18), days=[5])

    html = anonymous.get(f"/venues/{venue.pk}/").content.decode()

    assert week_items(html) == [
        "11月2日 周一 今天 09:00–21:00",
        "11月3日 周二 至 11月6日 周五 09:00–21:00",
        "11月7日 周六 10:00–18:00",
        "11月8日 周日 闭馆",
    ]
    # Every date of the week is still addressable (links, tests, screen readers).
    assert 'data-date="2026-11-03" data-last="2026-11-06"' in html


@time_machine.travel(dt.datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False)
def test_the_week_carries_each_days_scenes_and_stays_apart_when_they_differ(anonymous, venue, room):
    from tests.factories import make_scene

    weekly_hours(venue, T(9), T(21))
    make_scene(venue, starts=T(9), ends=T(18))
    make_scene(venue, kind="commercial", starts=T(18), ends=T(21), weekdays=(1 << 5) | (1 << 6))

    html = anonymous.get(f"/venues/{venue.pk}/").content.decode()

    items = week_items(html)
    assert items[1] == "11月3日 周二 至 11月6日 周五 09:00–21:00 09:00-18:00 公益时段"
    assert items[2] == (
        "11月7日 周六 至 11月8日 周日 09:00–21:00 09:00-18:00 公益时段 18:00-21:00 商业时段"
    )
    assert html.count("scene-legend") == 1


@time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=SH), tick=False)
def test_a_provisional_year_is_still_said_in_the_week(anonymous, venue):
    weekly_hours(venue)
    html = anonymous.get(f"/venues/{venue.pk}/", {"week": "2027-09-27"}).content.decode()
    assert "2027年安排尚未公布" in html
    assert "国庆节" in html


def test_an_ended_staff_session_sends_the_whole_page_to_sign_in_under_htmx(anonymous, venue):
    # htmx would otherwise swap the sign-in page into the form's region, losing the form.
    url = f"/operate/venues/{venue.pk}/hours/"
    response = anonymous.post(
        url,
        {"day_0": "09:00-18:00"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="operate-region",
        HTTP_HX_CURRENT_URL=f"http://testserver{url}",
    )
    assert response.status_code == 200
    assert (
        response["HX-Redirect"]
        == f"/accounts/staff/sign-in/?next=%2Foperate%2Fvenues%2F{venue.pk}%2Fhours%2F"
    )
    plain = anonymous.get(url)
    assert (plain.status_code, plain["Location"]) == (
        302,
        f"/accounts/staff/sign-in/?next=/operate/venues/{venue.pk}/hours/",
    )
