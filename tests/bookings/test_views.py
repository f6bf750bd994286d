"""The resident's booking pages: choose, confirm, the booking with its QR code, 我的预约,
cancel in two steps, rate a visit. Each page as its owner, another resident, an operator
and anonymous; ids missing, foreign and malformed."""

import datetime as dt
import re
from urllib.parse import quote_plus

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from bookings.models import Booking, CheckIn, IdempotentRequest, Rating, Status
from bookings.services.bookings import booking_create
from bookings.visitors import visitor_key
from tests.bookings.conftest import at

pytestmark = pytest.mark.django_db


def book_url(venue, **query):
    q = "&".join(f"{k}={v}" for k, v in query.items())
    return reverse("bookings:book", args=[venue.pk]) + (f"?{q}" if q else "")


def confirm_url(room, start="2026-12-02T10:00"):
    return reverse("bookings:book_confirm", args=[room.pk]) + "?start=" + quote_plus(start)


def form_data(**over):
    data = {
        "start": "2026-12-02T10:00",
        "minutes": "60",
        "people": "3",
        "purpose": "合唱排练",
        "key": "key-0123456789",
    }
    data.update(over)
    return data


def make(user, room, start=None, end=None):
    return booking_create(
        user=user,
        room=room,
        starts_at=start or at(2, 10),
        ends_at=end or at(2, 11),
        people=2,
        purpose="下棋",
    )


def detail(booking):
    return reverse("bookings:booking_detail", args=[booking.public_id])


# --- the venue page's button and the grid -------------------------------------------


def test_the_venue_page_offers_booking(frozen, scenes, venue, anonymous):
    html = anonymous.get(reverse("spaces:venue-detail", args=[venue.pk])).content.decode()
    assert f'href="{book_url(venue)}"' in html


def test_no_button_when_no_room_takes_bookings(frozen, scenes, venue, room, anonymous):
    room.is_bookable = False
    room.save()
    html = anonymous.get(reverse("spaces:venue-detail", args=[venue.pk])).content.decode()
    assert book_url(venue) not in html
    html = anonymous.get(book_url(venue)).content.decode()
    assert "不接受预约" in html


@pytest.mark.parametrize("who", ["anonymous", "owner_client", "operator_client"])
def test_the_grid_links_each_start_to_the_confirm_step(frozen, scenes, venue, room, who, request):
    client = request.getfixturevalue(who)
    response = client.get(book_url(venue, room=room.pk, date="2026-12-02"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{confirm_url(room, "2026-12-02T10:00")}"' in html
    assert "夜间茶座" in html  # the commercial scene, priced per hour
    assert "免费" in html


def test_a_taken_time_is_not_offered(frozen, scenes, venue, room, owner, anonymous):
    make(owner, room)
    html = anonymous.get(book_url(venue, room=room.pk, date="2026-12-02")).content.decode()
    assert "2026-12-02T10%3A00" not in html
    assert "2026-12-02T09%3A00" in html


def test_date_chips_are_the_bookable_days(frozen, scenes, venue, room, anonymous):
    html = anonymous.get(book_url(venue)).content.decode()
    chips = re.findall(r"date=(\d{4}-\d\d-\d\d)", html)
    assert chips[0] == "2026-12-01"  # today still has time from 09:00
    assert "2026-12-20" not in chips  # beyond the days-ahead window


@pytest.mark.parametrize("query", ["room=abc", "room=99999999999999999999", "date=2026-13-01"])
def test_odd_queries_fall_back_to_the_first_choice(frozen, scenes, venue, anonymous, query):
    assert anonymous.get(book_url(venue) + "?" + query).status_code == 200


@override_settings(DEBUG=False)
def test_grid_of_a_missing_venue_is_404(frozen, anonymous):
    assert anonymous.get("/venues/987654321/book/").status_code == 404


# --- confirm and book ----------------------------------------------------------------


def test_confirm_page_explains_and_carries_a_key(frozen, scenes, room, owner_client):
    response = owner_client.get(confirm_url(room))
    html = response.content.decode()
    assert response.status_code == 200
    assert "提交后立即约好" in html
    assert re.search(r'name="key" value="[A-Za-z0-9_-]{20,}"', html)
    assert "1 小时（10:00-11:00）" in html


def test_wrong_form_keeps_input_and_books_nothing(frozen, scenes, room, owner_client):
    response = owner_client.post(
        reverse("bookings:book_confirm", args=[room.pk]), form_data(people="99", purpose="")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "请填写用途。" in html
    assert not Booking.objects.exists()
    # The service's rule, next to the field, with what was typed kept.
    response = owner_client.post(
        reverse("bookings:book_confirm", args=[room.pk]), form_data(people="99")
    )
    html = response.content.decode()
    assert "每次最多" in html
    assert 'value="99"' in html
    assert 'value="合唱排练"' in html
    assert not Booking.objects.exists()


def test_right_form_books_and_shows_the_booking(frozen, scenes, room, owner, owner_client):
    response = owner_client.post(reverse("bookings:book_confirm", args=[room.pk]), form_data())
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(booking)
    assert (booking.resident, booking.people, booking.purpose) == (owner, 3, "合唱排练")
    assert (booking.starts_at, booking.ends_at) == (at(2, 10), at(2, 11))
    assert booking.status == Status.CONFIRMED


def test_a_double_tap_books_once(frozen, scenes, room, owner_client):
    url = reverse("bookings:book_confirm", args=[room.pk])
    first = owner_client.post(url, form_data())
    second = owner_client.post(url, form_data())
    assert Booking.objects.count() == 1
    assert IdempotentRequest.objects.count() == 1
    assert first["Location"] == second["Location"] == detail(Booking.objects.get())


def test_a_time_just_taken_shows_the_grid_again(
    frozen, scenes, venue, room, other_resident, owner_client
):
    page = owner_client.get(confirm_url(room))
    assert page.status_code == 200
    make(other_resident, room)
    response = owner_client.post(
        reverse("bookings:book_confirm", args=[room.pk]), form_data(), follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == book_url(venue, room=room.pk, date="2026-12-02")
    assert "约走了" in html
    assert Booking.objects.count() == 1


def test_a_malformed_start_goes_back_to_the_grid(frozen, scenes, room, owner_client):
    response = owner_client.get(confirm_url(room, "tomorrow"))
    assert response.status_code == 302
    assert "/book/" in response["Location"]


def test_a_signed_out_tap_signs_in_and_comes_back(
    frozen, scenes, room, owner, anonymous, sms_outbox
):
    response = anonymous.get(confirm_url(room))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    sign_in_page = anonymous.get(response["Location"]).content.decode()
    assert "登录后将为您继续预约议事茶亭 12月2日 周三 10:00" in sign_in_page
    sign_in = reverse("accounts:sign-in")
    anonymous.post(sign_in, {"step": "request", "phone": owner.phone})
    code = re.search(r"(?<!\d)\d{6}(?!\d)", sms_outbox[-1].message).group()
    response = anonymous.post(sign_in, {"step": "verify", "phone": owner.phone, "code": code})
    assert response["Location"] == confirm_url(room)
    page = anonymous.get(response["Location"]).content.decode()
    assert "已登录。请填写人数和用途" in page
    assert "确认预约" in page
    assert not Booking.objects.exists()  # nothing is booked without people and purpose


def test_resume_when_the_time_was_taken_meanwhile(frozen, scenes, room, owner, other_resident):
    from bookings.booking_resume import finish_booking_start

    make(other_resident, room)
    result = finish_booking_start(user=owner, room_id=room.pk, start="2026-12-02T10:00")
    assert not result.ok
    assert "date=2026-12-02" in result.url


def test_a_leader_may_book_for_an_approved_group(frozen, scenes, venue, room, owner, owner_client):
    from scenes.models import Group, GroupMembership, GroupVenueApproval

    group = Group.objects.create(name="夕阳红合唱团", created_by=owner)
    GroupMembership.objects.create(group=group, user=owner, role=GroupMembership.Role.LEADER)
    GroupVenueApproval.objects.create(
        group=group, venue=venue, status=GroupVenueApproval.Status.APPROVED
    )
    assert "夕阳红合唱团" in owner_client.get(confirm_url(room)).content.decode()
    owner_client.post(
        reverse("bookings:book_confirm", args=[room.pk]), form_data(group=str(group.pk))
    )
    assert Booking.objects.get().group == group


# --- the booking, 我的预约, cancel, rate --------------------------------------------


def test_the_owner_sees_the_qr_code_and_the_code(frozen, scenes, room, owner, owner_client):
    booking = make(owner, room)
    html = owner_client.get(detail(booking)).content.decode()
    assert "<svg" in html
    assert booking.code in html
    assert "09:45 起可以签到" in html or "明天 09:45 起可以签到" in html
    assert "取消预约" in html


@override_settings(DEBUG=False)
@pytest.mark.parametrize("who", ["other_client", "operator_client"])
def test_anyone_else_gets_the_404_page(frozen, scenes, room, owner, operator, who, request):
    from accounts.privacy import PRIVACY_POLICY_VERSION

    # The operator has agreed too, so the page itself answers (the desk page is theirs).
    operator.privacy_consent_at, operator.privacy_consent_version = at(1, 7), PRIVACY_POLICY_VERSION
    operator.save()
    booking = make(owner, room)
    client = request.getfixturevalue(who)
    for url in (
        detail(booking),
        reverse("bookings:booking_cancel", args=[booking.public_id]),
        reverse("bookings:booking_rate", args=[booking.public_id]),
    ):
        method = client.get if url == detail(booking) else client.post
        response = method(url, {"confirm": "yes"})
        assert response.status_code == 404
        assert booking.code not in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED


def test_anonymous_is_sent_to_sign_in(frozen, scenes, room, owner, anonymous):
    booking = make(owner, room)
    for url in (detail(booking), reverse("bookings:my_bookings")):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))


@override_settings(DEBUG=False)
@pytest.mark.parametrize("bad", ["nope", "0", "a" * 40, "%20"])
def test_missing_and_malformed_ids_are_404(frozen, owner_client, bad):
    assert owner_client.get(f"/me/bookings/{bad}/").status_code == 404


def test_my_bookings_lists_upcoming_and_past(frozen, scenes, room, owner, owner_client):
    coming = make(owner, room)
    past = make(owner, room, at(1, 9), at(1, 10))
    Booking.objects.filter(pk=past.pk).update(status=Status.CANCELLED)
    cancelled = make(owner, room, at(3, 10), at(3, 11))
    Booking.objects.filter(pk=cancelled.pk).update(status=Status.CANCELLED)
    html = owner_client.get(reverse("bookings:my_bookings")).content.decode()
    upcoming, _, earlier = html.partition("以前的和已取消的")
    assert detail(coming) in upcoming
    assert detail(past) in earlier and detail(cancelled) in earlier
    assert "已确认" in upcoming and "已取消" in earlier


def test_my_bookings_for_others_shows_only_theirs(frozen, scenes, room, owner, other_client):
    booking = make(owner, room)
    html = other_client.get(reverse("bookings:my_bookings")).content.decode()
    assert detail(booking) not in html
    assert "现在没有预约" in html


def test_cancel_needs_confirmation(frozen, scenes, room, owner, owner_client):
    booking = make(owner, room)
    url = reverse("bookings:booking_cancel", args=[booking.public_id])
    asked = owner_client.post(url)
    assert asked.status_code == 200
    assert "确定取消这个预约吗？" in asked.content.decode()
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED
    done = owner_client.post(url, {"confirm": "yes"})
    assert done.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED
    assert "已取消" in owner_client.get(detail(booking)).content.decode()


def test_cancel_after_the_deadline_says_why(frozen, scenes, room, owner, owner_client):
    booking = make(owner, room)
    frozen.move_to(at(2, 9, 59))
    response = owner_client.post(
        reverse("bookings:booking_cancel", args=[booking.public_id]),
        {"confirm": "yes"},
        follow=True,
    )
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED
    assert "取消截止" in response.content.decode()


def _visited(owner, room):
    booking = make(owner, room)
    Booking.objects.filter(pk=booking.pk).update(status=Status.CHECKED_IN)
    CheckIn.objects.create(
        venue=room.venue,
        room=room,
        resident=owner,
        visitor=visitor_key(owner),
        kind=CheckIn.Kind.BOOKING,
        booking=booking,
        at=at(2, 9, 55),
        local_date=dt.date(2026, 12, 2),
    )
    return booking


def test_rate_a_visit_once(frozen, scenes, room, owner, owner_client):
    booking = _visited(owner, room)
    frozen.move_to(at(3, 12))
    url = reverse("bookings:booking_rate", args=[booking.public_id])
    assert "这次到访怎么样？" in owner_client.get(detail(booking)).content.decode()
    wrong = owner_client.post(url, {"score": "9", "comment": "好"})
    assert wrong.status_code == 200
    assert "打分" in wrong.content.decode()
    assert not Rating.objects.exists()
    right = owner_client.post(url, {"score": "5", "comment": "茶很好"})
    assert right.status_code == 302
    rating = Rating.objects.get()
    assert (rating.score, rating.comment, rating.local_date) == (5, "茶很好", dt.date(2026, 12, 2))
    assert "这次到访怎么样？" not in owner_client.get(detail(booking)).content.decode()


def test_no_rating_after_seven_days(frozen, scenes, room, owner, owner_client):
    booking = _visited(owner, room)
    frozen.move_to(at(10, 12))
    assert "这次到访怎么样？" not in owner_client.get(detail(booking)).content.decode()
    owner_client.post(reverse("bookings:booking_rate", args=[booking.public_id]), {"score": "4"})
    assert not Rating.objects.exists()


def test_a_fresh_client_cannot_guess(frozen, scenes, room, owner):
    booking = make(owner, room)
    assert len(booking.public_id) >= 20
    assert Client().get(detail(booking)).status_code == 302


def test_a_request_awaiting_approval_is_explained_and_has_no_ticket_yet(
    frozen, scenes, room, owner, owner_client
):
    public, _ = scenes
    public.requires_approval = True
    public.save()
    assert "需要运营方审核" in owner_client.get(confirm_url(room)).content.decode()
    owner_client.post(reverse("bookings:book_confirm", args=[room.pk]), form_data())
    booking = Booking.objects.get()
    assert booking.status == Status.PENDING
    html = owner_client.get(detail(booking)).content.decode()
    assert "待审核" in html and "运营方审核后会发短信告诉您结果" in html
    assert "<svg" not in html
    assert "取消预约" in html
