"""Edges found in review: dates outside the supported calendar on pages, impossible ids,
an operator "cancelling" a request, a code typed just before midnight."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse

from bookings.services.bookings import booking_cancel, booking_create
from bookings.services.checkins import checkin_by_code
from linli.errors import Conflict
from tests.bookings.conftest import at
from tests.bookings.test_series_pages import form as series_form
from tests.factories import make_scene, weekly_hours

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_far_dates_on_pages_are_refused_not_500(
    frozen, scenes, room, venue, owner_client, operator_client
):
    response = operator_client.get(
        reverse("bookings:desk", args=[venue.pk]), {"date": "9999-12-31"}
    )
    assert response.status_code == 200
    assert "日期超出支持的范围" in response.content.decode()
    response = owner_client.get(
        reverse("bookings:book_confirm", args=[room.pk]), {"start": "9999-12-31T10:00"}
    )
    assert response.status_code in (302, 404)


@override_settings(DEBUG=False)
def test_series_form_refuses_a_far_date(september, scenes, owner_client, choir, room):
    url = reverse("bookings:series-new", args=[choir.pk])
    response = owner_client.post(url, series_form(room, first_date="9999-12-31", step="preview"))
    assert response.status_code == 200
    assert "日期超出支持的范围" in response.content.decode()


@override_settings(DEBUG=False)
def test_an_impossible_series_id_is_404(owner_client):
    assert owner_client.get("/series/x%00y/").status_code == 404
    assert owner_client.get("/series/" + "x" * 40 + "/").status_code == 404


def test_an_operator_rejects_a_request_rather_than_cancelling_it(
    frozen, venue, room, owner, operator
):
    weekly_hours(venue)
    make_scene(venue, kind="public", requires_approval=True)
    booking = booking_create(
        user=owner, room=room, starts_at=at(2, 10), ends_at=at(2, 11), people=2, purpose="议事"
    )
    with pytest.raises(Conflict) as exc:
        booking_cancel(user=operator, booking=booking, reason="不合适")
    assert exc.value.code == "use_reject"
    booking_cancel(user=owner, booking=booking)  # the resident may withdraw it


def test_a_code_typed_before_midnight_finds_the_booking_after_it(
    frozen, venue, room, owner, operator
):
    weekly_hours(venue, opens=dt.time(0), closes=dt.time(2))
    make_scene(venue, kind="public", starts=dt.time(0), ends=dt.time(2))
    booking = booking_create(
        user=owner, room=room, starts_at=at(2, 0), ends_at=at(2, 1), people=2, purpose="夜读"
    )
    frozen.move_to(at(1, 23, 50))
    result = checkin_by_code(user=operator, venue=venue, code=booking.code)
    assert result.created and result.booking == booking
