"""The operator's desk pages: who may see them, check-in by code and by button, the QR
pages and the poster, and what the database holds afterwards. Clock: Tuesday 2026-12-01
08:00 Shanghai (``frozen``). The desk's other forms: test_desk_forms.py."""

import pytest
from django.test import Client
from django.urls import reverse

from bookings.models import CheckIn, Status
from tests.bookings.conftest import at
from tests.bookings.desk_helpers import HTMX, book, desk_url, text, todays_booking
from tests.factories import RoomFactory, UserFactory, VenueFactory, VenueRoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(frozen, scenes, owner, room):
    return todays_booking(owner, room)


@pytest.fixture
def other_operator_client(db):
    elsewhere = VenueFactory(name="别处书屋")
    user = UserFactory(username="elsewhere-operator", is_staff=True)
    VenueRoleFactory(user=user, venue=elsewhere, role="operator")
    client = Client()
    client.force_login(user)
    return client


# --- who may see what ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["bookings:desk", "bookings:desk-poster"])
def test_operator_pages_are_for_the_venues_operator_only(
    name, venue, operator_client, other_operator_client, owner_client, other_client, anonymous
):
    url = reverse(name, kwargs={"venue_id": venue.pk})
    assert operator_client.get(url).status_code == 200
    assert other_operator_client.get(url).status_code == 403
    assert owner_client.get(url).status_code == 403
    assert other_client.post(url, {"action": "walk_in", "headcount": "2"}).status_code == 403
    response = anonymous.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:staff-sign-in"))
    assert operator_client.get(reverse(name, kwargs={"venue_id": 987654321})).status_code == 404


def test_the_desk_is_a_tab_of_the_operator_pages(venue, operator_client):
    html = operator_client.get(reverse("spaces:operate-venue", args=[venue.pk])).content.decode()
    assert f'href="{desk_url(venue)}"' in html
    assert "前台" in html
    desk = operator_client.get(desk_url(venue)).content.decode()
    assert f'href="{desk_url(venue)}" aria-current="page"' in desk


def test_a_bookings_qr_page_is_404_for_everyone_but_the_operator(
    booking, operator_client, other_operator_client, owner_client, other_client, anonymous
):
    url = reverse("bookings:desk_booking", kwargs={"public_id": booking.public_id})
    response = operator_client.get(url)
    assert response.status_code == 200
    assert "10:00-11:00" in text(response) and "张阿姨" in text(response)
    assert owner_client.get(url).status_code == 404  # even the booking's own resident
    assert other_client.get(url).status_code == 404
    assert other_operator_client.get(url).status_code == 404
    assert owner_client.post(url).status_code == 404
    assert anonymous.get(url)["Location"].startswith(reverse("accounts:staff-sign-in"))
    for bad in ("nope", "-1", "x" * 40):
        missing = reverse("bookings:desk_booking", kwargs={"public_id": bad})
        assert operator_client.get(missing).status_code == 404
    assert not CheckIn.objects.exists()


def test_the_venue_checkin_page(venue, owner_client, other_client, operator_client, anonymous):
    url = reverse("bookings:venue_checkin", kwargs={"venue_id": venue.pk})
    response = owner_client.get(url)
    assert response.status_code == 200
    assert "签到" in text(response) and venue.name in text(response)
    assert other_client.get(url).status_code == 200
    # An operator who scans the poster is told it is for residents; nothing is written.
    assert operator_client.get(url).status_code == 200
    assert "请先用手机号登录。" in text(operator_client.post(url))
    signed_out = anonymous.get(url)
    assert signed_out.status_code == 302
    assert signed_out["Location"] == f"{reverse('accounts:sign-in')}?next={url.replace('/', '%2F')}"
    assert anonymous.post(url).status_code == 302
    assert not CheckIn.objects.exists()
    hidden = VenueFactory(name="未公开", is_published=False)
    assert owner_client.get(reverse("bookings:venue_checkin", args=[hidden.pk])).status_code == 404
    assert owner_client.get(reverse("bookings:venue_checkin", args=[987654321])).status_code == 404


# --- the desk page ------------------------------------------------------------------------


def test_the_desk_lists_the_days_arrivals(booking, other_resident, room, operator_client):
    book(other_resident, room, at(2, 10), at(2, 11))  # tomorrow: not today's
    page = text(operator_client.get(desk_url(room.venue)))
    assert "10:00-11:00 议事茶亭" in page
    assert "张阿姨 138****0001 · 3 人" in page
    assert "品茶议事 · 免费" in page
    assert "已确认" in page
    assert "李叔" not in page
    tomorrow = text(operator_client.get(desk_url(room.venue, "2026-12-02")))
    assert "李叔" in tomorrow and "张阿姨" not in tomorrow
    assert "输入签到码" not in tomorrow  # codes are today's


def test_a_malformed_day_says_so_and_shows_today(booking, room, operator_client):
    response = operator_client.get(desk_url(room.venue, "2026-13-45"))
    assert response.status_code == 200
    assert "请按 2026-10-01 的格式填写日期。" in text(response)
    assert "张阿姨" in text(response)


def test_an_unknown_action_is_404(booking, room, operator_client):
    assert operator_client.post(desk_url(room.venue), {"action": "explode"}).status_code == 404
    for bad in ("", "nope"):
        response = operator_client.post(desk_url(room.venue), {"action": "checkin", "booking": bad})
        assert response.status_code == 404


# --- check-in by code ---------------------------------------------------------------------


def test_check_in_by_code_wrong_then_right_then_again(frozen, booking, room, operator_client):
    url = desk_url(room.venue)
    empty = operator_client.post(url, {"action": "code", "code": ""})
    assert "请填写签到码。" in text(empty)
    short = operator_client.post(url, {"action": "code", "code": "12345"})
    assert "签到码是 6 位数字，请核对后重新输入。" in text(short)
    assert 'value="12345"' in short.content.decode()  # what was typed stays
    assert 'inputmode="numeric"' in short.content.decode()
    wrong = "000000" if booking.code != "000000" else "111111"
    unknown = operator_client.post(url, {"action": "code", "code": wrong})
    assert f"没有找到今天签到码为 {wrong} 的预约，请核对。" in text(unknown)
    early = operator_client.post(url, {"action": "code", "code": booking.code})
    assert "还没到签到时间，09:45 开始可以签到。" in text(early)
    assert not CheckIn.objects.exists()

    frozen.move_to(at(1, 9, 50))
    done = operator_client.post(url, {"action": "code", "code": booking.code}, follow=True)
    assert "已签到：10:00-11:00 议事茶亭 张阿姨" in text(done)
    booking.refresh_from_db()
    assert booking.status == Status.CHECKED_IN
    checkin = CheckIn.objects.get()
    assert (checkin.booking, checkin.kind, checkin.at) == (booking, "booking", at(1, 9, 50))

    frozen.move_to(at(1, 9, 55))
    again = operator_client.post(url, {"action": "code", "code": booking.code}, **HTMX)
    assert "已经签到过了：10:00-11:00 议事茶亭 张阿姨（09:50 签到）" in text(again)
    assert CheckIn.objects.count() == 1


def test_htmx_gets_the_region_back_with_the_result(frozen, booking, room, operator_client):
    frozen.move_to(at(1, 9, 50))
    response = operator_client.post(
        desk_url(room.venue), {"action": "code", "code": f" {booking.code} "}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="operate-region"')
    assert "已签到：10:00-11:00 议事茶亭 张阿姨" in html


def test_check_in_button_of_an_arrival(frozen, booking, room, operator_client):
    url = desk_url(room.venue)
    early = operator_client.post(url, {"action": "checkin", "booking": booking.public_id})
    assert "还没到签到时间，09:45 开始可以签到。" in text(early)
    frozen.move_to(at(1, 10, 14))
    done = operator_client.post(url, {"action": "checkin", "booking": booking.public_id})
    assert done.status_code == 302 and done["Location"] == url
    booking.refresh_from_db()
    assert booking.status == Status.CHECKED_IN


def test_a_booking_of_another_venue_is_404(frozen, scenes, owner, operator_client, room):
    elsewhere = RoomFactory(venue=VenueFactory(name="别处"), name="别处的屋")
    from tests.factories import make_scene, weekly_hours

    weekly_hours(elsewhere.venue)
    make_scene(elsewhere.venue)
    foreign = book(owner, elsewhere, at(1, 10), at(1, 11))
    frozen.move_to(at(1, 9, 50))
    response = operator_client.post(
        desk_url(room.venue), {"action": "checkin", "booking": foreign.public_id}
    )
    assert response.status_code == 404
    # Its code is not found at this venue either.
    coded = operator_client.post(desk_url(room.venue), {"action": "code", "code": foreign.code})
    assert "没有找到今天签到码为" in text(coded)
    assert not CheckIn.objects.exists()


def test_no_shows_of_the_day(frozen, booking, room, operator_client):
    frozen.move_to(at(1, 10, 15))
    page = operator_client.get(desk_url(room.venue)).content.decode()
    no_shows = page.split('id="desk-noshow-title"')[1].split("</section>")[0]
    assert "10:00-11:00 议事茶亭" in no_shows and "张阿姨" in no_shows


# --- the QR pages -------------------------------------------------------------------------


def test_the_bookings_qr_page_checks_in_with_one_tap(frozen, booking, operator_client):
    url = reverse("bookings:desk_booking", kwargs={"public_id": booking.public_id})
    early = operator_client.post(url)
    assert "还没到签到时间，09:45 开始可以签到。" in text(early)
    frozen.move_to(at(1, 9, 45))
    done = operator_client.post(url, follow=True)
    assert "已签到：10:00-11:00 议事茶亭 张阿姨" in text(done)
    again = operator_client.post(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="desk-booking")
    assert "已经签到过了" in text(again)
    assert CheckIn.objects.filter(booking=booking).count() == 1
    booking.refresh_from_db()
    assert booking.status == Status.CHECKED_IN


def test_the_poster_holds_the_venues_checkin_qr(venue, operator_client):
    response = operator_client.get(reverse("bookings:desk-poster", args=[venue.pk]))
    html = response.content.decode()
    assert "扫码签到" in html and venue.name in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" viewBox=' in html
    assert f"http://testserver/venues/{venue.pk}/checkin/" in html
    assert "desk-print" in html


def test_a_resident_scans_the_poster(frozen, booking, owner, other_resident, venue):
    url = reverse("bookings:venue_checkin", kwargs={"venue_id": venue.pk})
    owner_client = Client()
    owner_client.force_login(owner)
    frozen.move_to(at(1, 9, 50))
    done = owner_client.post(url, follow=True)
    assert "签到成功：10:00-11:00 议事茶亭。" in text(done)
    booking.refresh_from_db()
    assert booking.status == Status.CHECKED_IN
    again = owner_client.post(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="desk-venue-checkin")
    assert "您已经签到过了：10:00-11:00 议事茶亭（09:50 签到）。" in text(again)

    other = Client()
    other.force_login(other_resident)
    walk_in = other.post(url, follow=True)
    assert f"签到成功，欢迎来到{venue.name}！" in text(walk_in)
    second = other.post(url, follow=True)
    assert f"您今天已经在{venue.name}签到过了（09:50）。" in text(second)
    assert CheckIn.objects.filter(kind="walk_in", resident=other_resident).count() == 1
    assert CheckIn.objects.count() == 2


def test_the_desk_reads_every_events_attendees_at_once(
    frozen, venue, room, owner, other_resident, operator_client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from scenes.models import Event, EventRegistration

    def event(hour):
        made = Event.objects.create(
            venue=venue,
            room=room,
            title=f"{hour}点活动",
            capacity=10,
            starts_at=at(1, hour),
            ends_at=at(1, hour + 1),
        )
        for resident in (owner, other_resident):
            EventRegistration.objects.create(event=made, resident=resident, status="registered")

    event(10)
    with CaptureQueriesContext(connection) as one:
        assert operator_client.get(desk_url(venue)).status_code == 200
    event(12)
    event(14)
    with CaptureQueriesContext(connection) as three:
        page = text(operator_client.get(desk_url(venue)))
    assert "12点活动" in page and "14点活动" in page
    assert len(three.captured_queries) == len(one.captured_queries)
