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
    assert "2027年安排尚未公布，以下按法定节日暂定" in html


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


def test_exception_form_creates_closed_day(operator_client, venue):
    response = operator_client.post(
        f"/operate/venues/{venue.pk}/exceptions/",
        {"date": "2026-12-09", "hours": "", "reason": "设备检修", "room": ""},
    )
    assert response.status_code == 302
    row = OpeningException.objects.get()
    assert (row.date, row.opens, row.reason) == (dt.date(2026, 12, 9), None, "设备检修")


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
    # venue, rooms, room photos, venue photos, hours, exceptions, scenes, events (no
    # scene-rooms query: this scene covers all rooms). The scene panels reuse the page's
    # rooms and hours instead of loading them again (that was 15 queries).
    with django_assert_num_queries(8):
        response = anonymous.get(f"/venues/{venue.pk}/")
    assert "公益时段" in response.content.decode()


@pytest.mark.parametrize("week", ["9999-12-30", "0001-01-01", "2026-13-01"])
def test_an_out_of_range_week_shows_this_week(anonymous, venue, week):
    response = anonymous.get(f"/venues/{venue.pk}/", {"week": week})
    assert response.status_code == 200
    assert response.context["week_start"] == response.context["today"]
