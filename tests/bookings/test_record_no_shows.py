"""manage.py record_no_shows writes down what bookings.states already says: no-shows
(confirmed, no check-in when the window closed) and undecided requests that lapsed; the
no-show SMS goes once; running it again records nothing."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from bookings.models import Booking, Status
from bookings.services.bookings import booking_create
from bookings.services.checkins import checkin_booking
from bookings.states import effective_status, holding_q
from tests.bookings.conftest import at
from tests.factories import RoomFactory, VenueFactory, make_scene, weekly_hours

pytestmark = pytest.mark.django_db

NO_SHOW_SMS = (
    "【邻里】您预约的五福茶馆议事茶亭（12月2日 10:00）未签到，已记为未到场。"
    "不能来时请提前取消，把时段让给邻居。"
)
# The request page promises a text with the decision; a lapse is one.
LAPSED_SMS = "【邻里】您预约的五福茶馆议事茶亭（12月2日 11:00）未通过：运营方未在签到截止前审核。"


def book(user, room, start, end):
    return booking_create(
        user=user, room=room, starts_at=start, ends_at=end, people=2, purpose="合唱排练"
    )


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """The command, with the SMS tasks its transactions queue run on commit."""

    def run(*args):
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("record_no_shows", *args, stdout=out)
        return out.getvalue().strip()

    return run


@pytest.fixture
def booked(frozen, scenes, room, owner, other_resident):
    """Wednesday 10:00-11:00, confirmed; 11:00-12:00 a request nobody decided on."""
    confirmed = book(owner, room, at(2, 10), at(2, 11))
    pending = book(other_resident, room, at(2, 11), at(2, 12))
    Booking.objects.filter(pk=pending.pk).update(status=Status.PENDING)
    pending.refresh_from_db()
    return confirmed, pending


def statuses(*bookings):
    return [Booking.objects.get(pk=b.pk).status for b in bookings]


def test_the_exact_window_edge(frozen, run, booked, sms_outbox):
    confirmed, pending = booked
    closes = confirmed.checkin_closes_at
    assert closes == at(2, 10, 15)
    frozen.move_to(closes - dt.timedelta(microseconds=1))
    assert run() == "已记录 0 个未到场、0 个未及时审核的预约。"
    assert statuses(confirmed, pending) == ["confirmed", "pending"]

    frozen.move_to(closes)
    # Already true when read, before the command writes anything down: a no-show, and the
    # rest of its hour is free for others at once.
    fresh = Booking.objects.get(pk=confirmed.pk)
    assert (fresh.status, effective_status(fresh, timezone.now())) == ("confirmed", "no_show")
    assert not Booking.objects.filter(holding_q(timezone.now()), pk=confirmed.pk).exists()

    sms_outbox.clear()
    assert run() == "已记录 1 个未到场、0 个未及时审核的预约。"
    assert statuses(confirmed, pending) == ["no_show", "pending"]
    assert Booking.objects.get(pk=confirmed.pk).no_show_recorded_at == closes
    assert [(m.phone, m.message) for m in sms_outbox] == [("13800000001", NO_SHOW_SMS)]

    frozen.move_to(pending.checkin_closes_at)
    assert run() == "已记录 0 个未到场、1 个未及时审核的预约。"
    assert statuses(confirmed, pending) == ["no_show", "rejected"]
    assert Booking.objects.get(pk=pending.pk).reason == "运营方未在签到截止前审核。"
    assert [m.message for m in sms_outbox] == [NO_SHOW_SMS, LAPSED_SMS]


def test_running_it_again_records_nothing_and_texts_once(frozen, run, booked, sms_outbox):
    confirmed, pending = booked
    frozen.move_to(at(2, 13))
    sms_outbox.clear()
    assert run() == "已记录 1 个未到场、1 个未及时审核的预约。"
    assert run() == "已记录 0 个未到场、0 个未及时审核的预约。"
    assert statuses(confirmed, pending) == ["no_show", "rejected"]
    assert [m.message for m in sms_outbox] == [NO_SHOW_SMS, LAPSED_SMS]


def test_a_checked_in_booking_is_left_alone(frozen, run, booked, operator, sms_outbox):
    confirmed, pending = booked
    frozen.move_to(at(2, 10))
    checkin_booking(user=operator, booking=confirmed)
    frozen.move_to(at(2, 13))
    sms_outbox.clear()
    assert run() == "已记录 0 个未到场、1 个未及时审核的预约。"
    assert statuses(confirmed, pending) == ["checked_in", "rejected"]
    assert [m.message for m in sms_outbox] == [LAPSED_SMS]


def test_every_venue_in_small_batches(frozen, run, booked, owner, sms_outbox):
    second = VenueFactory(name="长者之家")
    hall = RoomFactory(venue=second, name="活动室", capacity=20)
    weekly_hours(second)
    make_scene(second, kind="public")
    elsewhere = [book(owner, hall, at(2, h), at(2, h + 1)) for h in (9, 14)]
    frozen.move_to(at(3, 8))
    sms_outbox.clear()
    assert run("--batch", "1") == "已记录 3 个未到场、1 个未及时审核的预约。"
    assert statuses(*booked, *elsewhere) == ["no_show", "rejected", "no_show", "no_show"]
    assert len(sms_outbox) == 4  # three no-shows and the lapsed request
