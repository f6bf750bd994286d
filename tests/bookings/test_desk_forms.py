"""The desk's forms, each wrong and right: approvals (reject takes a reason and a
second step), payments, the walk-in counter with its undo, event attendees.
Clock: Tuesday 2026-12-01 08:00 Shanghai (``frozen``)."""

import pytest

from bookings.models import Booking, CheckIn, Status
from scenes.models import Event, EventRegistration
from tests.bookings.conftest import at
from tests.bookings.desk_helpers import book, desk_url, text, todays_booking
from tests.factories import RoomFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(frozen, scenes, owner, room):
    return todays_booking(owner, room)


# --- approvals ----------------------------------------------------------------------------


@pytest.fixture
def pending(booking):
    Booking.objects.filter(pk=booking.pk).update(status=Status.PENDING)
    booking.refresh_from_db()
    return booking


def test_approve_a_request(
    pending, room, operator, operator_client, sms_outbox, django_capture_on_commit_callbacks
):
    page = text(operator_client.get(desk_url(room.venue)))
    assert "待审核" in page and "12月1日" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(
            desk_url(room.venue), {"action": "approve", "booking": pending.public_id}, follow=True
        )
    assert "已通过：10:00-11:00 议事茶亭 张阿姨，已短信告知预约人。" in text(response)
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == (Status.CONFIRMED, operator)
    assert sms_outbox[-1].phone == "13800000001"
    again = operator_client.post(
        desk_url(room.venue), {"action": "approve", "booking": pending.public_id}
    )
    assert "这个预约现在是“已确认”，不能再审核通过。" in text(again)


def test_reject_asks_for_a_reason_then_confirmation(
    pending, room, operator_client, sms_outbox, django_capture_on_commit_callbacks
):
    url = desk_url(room.venue)
    prefix = f"r{pending.pk}"
    data = {"action": "reject", "booking": pending.public_id}
    missing = operator_client.post(url, {**data, f"{prefix}-reason": ""})
    assert "请填写拒绝原因。" in text(missing)
    too_long = operator_client.post(url, {**data, f"{prefix}-reason": "很" * 201})
    assert "拒绝原因最多 200 个字（现在是 201 个）" in text(too_long)
    asked = operator_client.post(url, {**data, f"{prefix}-reason": "当天有检修"})
    assert "确定拒绝 10:00-11:00 议事茶亭 张阿姨 的预约吗？" in text(asked)
    assert 'name="confirm" value="yes"' in asked.content.decode()
    pending.refresh_from_db()
    assert pending.status == Status.PENDING
    assert not sms_outbox

    with django_capture_on_commit_callbacks(execute=True):
        done = operator_client.post(
            url, {**data, f"{prefix}-reason": "当天有检修", "confirm": "yes"}
        )
    assert done.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.reason) == (Status.REJECTED, "当天有检修")
    assert len(sms_outbox) == 1


# --- payments -----------------------------------------------------------------------------


@pytest.fixture
def paid(frozen, scenes, owner, room):
    return book(owner, room, at(1, 18), at(1, 19))


def test_record_a_payment_wrong_then_right(paid, room, operator, operator_client):
    assert paid.price_fen > 0
    url = desk_url(room.venue)
    prefix = f"p{paid.pk}"
    data = {"action": "pay", "booking": paid.public_id}
    page = text(operator_client.get(url))
    assert f"应收 ¥{paid.price_fen / 100:.2f}" in page
    no_method = operator_client.post(url, {**data, f"{prefix}-paid": "12"})
    assert "请选择付款方式。" in text(no_method)
    assert 'value="12"' in no_method.content.decode()
    bad_amount = operator_client.post(
        url, {**data, f"{prefix}-method": "cash", f"{prefix}-paid": "abc"}
    )
    assert "实收（元）请填写数字，例如 12.5。" in text(bad_amount)
    negative = operator_client.post(
        url, {**data, f"{prefix}-method": "cash", f"{prefix}-paid": "-1"}
    )
    assert "实收（元）至少为 0。" in text(negative)
    paid.refresh_from_db()
    assert paid.payment_method == ""

    done = operator_client.post(
        url, {**data, f"{prefix}-method": "cash", f"{prefix}-paid": "25.5"}, follow=True
    )
    assert "已记录收款：现金 ¥25.50（18:00-19:00 议事茶亭 张阿姨）" in text(done)
    paid.refresh_from_db()
    assert (paid.payment_method, paid.paid_fen, paid.paid_recorded_by) == ("cash", 2550, operator)
    twice = operator_client.post(url, {**data, f"{prefix}-method": "wechat"})
    assert "这个预约已经记过收款。" in text(twice)
    paid.refresh_from_db()
    assert paid.payment_method == "cash"


def test_a_payment_defaults_to_the_price(paid, room, operator_client):
    prefix = f"p{paid.pk}"
    operator_client.post(
        desk_url(room.venue),
        {"action": "pay", "booking": paid.public_id, f"{prefix}-method": "wechat"},
    )
    paid.refresh_from_db()
    assert (paid.payment_method, paid.paid_fen) == ("wechat", paid.price_fen)


# --- walk-ins -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headcount", "message"),
    [
        ("", "请填写人数。"),
        ("abc", "人数请填写整数，例如 10。"),
        ("0", "人数至少为 1。"),
        ("501", "人数最多为 500。"),
    ],
)
def test_a_wrong_headcount_says_why(frozen, venue, operator_client, headcount, message):
    response = operator_client.post(desk_url(venue), {"action": "walk_in", "headcount": headcount})
    assert message in text(response)
    assert not CheckIn.objects.exists()


def test_a_room_of_another_venue_is_refused(frozen, venue, operator_client):
    foreign = RoomFactory(venue=VenueFactory(name="别处"))
    response = operator_client.post(
        desk_url(venue), {"action": "walk_in", "headcount": "2", "room": foreign.pk}
    )
    assert "功能室（可不选）的选项已不存在" in text(response)
    assert not CheckIn.objects.exists()


def test_count_walk_ins_and_undo_the_last(frozen, venue, room, operator, operator_client):
    url = desk_url(venue)
    operator_client.post(url, {"action": "walk_in", "headcount": "2"})
    done = operator_client.post(
        url, {"action": "walk_in", "headcount": "3", "room": room.pk}, follow=True
    )
    assert "已记录到访 3 人（议事茶亭）。" in text(done)
    assert "前台记录 5 人" in text(done)
    first, last = CheckIn.objects.order_by("pk")
    assert (last.headcount, last.room, last.recorded_by, last.resident) == (3, room, operator, None)

    stale = operator_client.post(url, {"action": "undo", "checkin": first.pk})
    assert "刚才有新的记录" in text(stale)
    assert operator_client.post(url, {"action": "undo", "checkin": "abc"}).status_code == 404
    asked = operator_client.post(url, {"action": "undo", "checkin": last.pk})
    assert "撤销最后一条到访记录：3 人（08:00 记录）？" in text(asked)
    assert CheckIn.objects.count() == 2
    undone = operator_client.post(
        url, {"action": "undo", "checkin": last.pk, "confirm": "yes"}, follow=True
    )
    assert "已撤销：3 人（08:00 记录）。" in text(undone)
    assert list(CheckIn.objects.all()) == [first]
    assert "前台记录 2 人" in text(undone)


# --- event attendees ----------------------------------------------------------------------


def test_check_in_an_event_attendee(frozen, venue, room, owner, operator_client):
    event = Event.objects.create(
        venue=venue,
        room=room,
        title="品茶议事会",
        capacity=10,
        starts_at=at(1, 10),
        ends_at=at(1, 11),
    )
    registration = EventRegistration.objects.create(
        event=event, resident=owner, status="registered"
    )
    url = desk_url(venue)
    early = operator_client.post(url, {"action": "attendee", "registration": registration.pk})
    assert "还没到签到时间，09:30 开始可以签到。" in text(early)
    frozen.move_to(at(1, 9, 40))
    page = text(operator_client.get(url))
    assert "品茶议事会" in page and "10:00-11:00" in page
    done = operator_client.post(
        url, {"action": "attendee", "registration": registration.pk}, follow=True
    )
    assert "已签到：品茶议事会 张阿姨" in text(done)
    checkin = CheckIn.objects.get()
    assert (checkin.kind, checkin.registration, checkin.resident) == ("event", registration, owner)
    again = operator_client.post(
        url, {"action": "attendee", "registration": registration.pk}, follow=True
    )
    assert "已经签到过了：品茶议事会 张阿姨（09:40 签到）" in text(again)
    assert CheckIn.objects.count() == 1
    for bad in ("abc", "987654321"):
        response = operator_client.post(url, {"action": "attendee", "registration": bad})
        assert response.status_code == 404


def test_an_attendee_of_another_venue_is_404(frozen, owner, operator_client, venue):
    elsewhere = RoomFactory(venue=VenueFactory(name="别处"))
    event = Event.objects.create(
        venue=elsewhere.venue,
        room=elsewhere,
        title="别处的活动",
        capacity=5,
        starts_at=at(1, 8, 10),
        ends_at=at(1, 9),
    )
    registration = EventRegistration.objects.create(
        event=event, resident=owner, status="registered"
    )
    response = operator_client.post(
        desk_url(venue), {"action": "attendee", "registration": registration.pk}
    )
    assert response.status_code == 404
    assert not CheckIn.objects.exists()
