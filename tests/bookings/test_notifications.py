"""SMS notices about bookings from background tasks: one per kind, sent only once the
write commits, never when it is no longer true, retried when the SMS backend fails, and
never at the cost of the booking."""

import datetime as dt

import pytest
from django.db import transaction
from django.test import override_settings

from accounts import sms
from bookings import notifications, tasks
from bookings.models import Booking, Status
from bookings.services.bookings import (
    booking_approve,
    booking_cancel,
    booking_create,
    booking_reject,
    record_lapsed,
)
from linli.tasks import task_backends
from tests.bookings.conftest import at
from tests.factories import make_scene

pytestmark = pytest.mark.django_db

WHERE = "五福茶馆议事茶亭（12月2日 10:00）"
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service as a request would: its on-commit work (enqueueing) happens."""

    def committed(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return committed


def book(committed, user, room, start=None, end=None):
    return committed(
        booking_create,
        user=user,
        room=room,
        starts_at=start or at(2, 10),
        ends_at=end or at(2, 11),
        people=2,
        purpose="合唱排练",
    )


@pytest.fixture
def approval(scenes, venue, room):
    """Wednesday 10:00-12:00 needs an operator's approval."""
    day = dt.date(2026, 12, 2)
    return make_scene(
        venue,
        rooms=[room],
        name="审核时段",
        starts=dt.time(10),
        ends=dt.time(12),
        one_off_date=day,
        valid_from=day,
        valid_until=day,
        requires_approval=True,
    )


def texts(outbox):
    return [(m.phone, m.message) for m in outbox]


def test_an_instant_booking_is_confirmed_by_sms(frozen, scenes, committed, owner, room, sms_outbox):
    booking = book(committed, owner, room)
    # The reminder waits for 18:00 the day before; the immediate backend cannot defer, so
    # it is skipped rather than sent now.
    assert texts(sms_outbox) == [
        ("13800000001", f"【邻里】您预约的{WHERE}已确认，签到码 {booking.code}。")
    ]


def test_with_the_database_queue_the_notices_are_rows_of_the_booking_transaction(
    frozen, scenes, owner, room, sms_outbox
):
    from django_tasks_db.models import DBTaskResult

    def queued():
        return sorted(r.args_kwargs["args"][1] for r in DBTaskResult.objects.all())

    with override_settings(TASKS=DATABASE_QUEUE):
        with transaction.atomic():
            booking_create(
                user=owner, room=room, starts_at=at(2, 10), ends_at=at(2, 11), people=2,
                purpose="合唱排练",
            )  # fmt: skip
            assert queued() == ["confirmed", "reminder"]  # before the commit, with it
            transaction.set_rollback(True)
        assert queued() == []  # rolled back with the booking: nothing will be sent
        booking = booking_create(
            user=owner, room=room, starts_at=at(2, 10), ends_at=at(2, 11), people=2,
            purpose="合唱排练",
        )  # fmt: skip
    assert queued() == ["confirmed", "reminder"]
    reminder = DBTaskResult.objects.get(args_kwargs__args__1="reminder")
    assert reminder.run_after == at(1, 18)
    assert reminder.args_kwargs["args"][0] == booking.pk
    assert sms_outbox == []  # the worker sends them


def test_the_notices_of_a_booking_are_the_rows_enqueue_writes(frozen, sms_outbox):
    from django_tasks_db.models import DBTaskResult

    def rows():
        found = DBTaskResult.objects.order_by("args_kwargs__args__1", "enqueued_at").values()
        return [{k: v for k, v in r.items() if k not in ("id", "enqueued_at")} for r in found]

    with override_settings(TASKS=DATABASE_QUEUE):
        tasks.enqueue_notice(7, "confirmed")
        tasks.enqueue_notice(7, "reminder", at=at(1, 18))
        one_by_one = rows()
        DBTaskResult.objects.all().delete()
        tasks.enqueue_notices(7, [("confirmed", None), ("reminder", at(1, 18))])
        assert rows() == one_by_one and len(one_by_one) == 2
        result = DBTaskResult.objects.get(args_kwargs__args__1="confirmed").task_result
        assert result.task.func is tasks.send_booking_notice.func and result.args == [
            7,
            "confirmed",
            0,
        ]
    assert Booking.objects.count() == 0 and sms_outbox == []


def test_the_worker_claims_a_fresh_confirmation_before_reminders_already_due(frozen, sms_outbox):
    """Deferred notices sit below the default priority: a pending reminder (one per
    upcoming booking) never stands in front of a confirmation in the worker's order."""
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DATABASE_QUEUE):
        tasks.enqueue_notices(7, [("reminder", at(1, 8) - dt.timedelta(hours=1))])  # due
        tasks.enqueue_notices(8, [("reminder", at(3, 18))])  # not yet
        tasks.enqueue_notices(9, [("confirmed", None)])
        first = DBTaskResult.objects.ready().get_locked()
        assert first.args_kwargs["args"][:2] == [9, "confirmed"]
        first.delete()
        assert DBTaskResult.objects.ready().get_locked().args_kwargs["args"][:2] == [7, "reminder"]
        priorities = dict(DBTaskResult.objects.values_list("args_kwargs__args__0", "priority"))
    assert priorities == {7: tasks.DEFERRED_PRIORITY, 8: tasks.DEFERRED_PRIORITY}


def test_approval_confirms_and_rejection_says_why(
    frozen, approval, committed, owner, other_resident, operator, room, sms_outbox
):
    asked = book(committed, owner, room)
    other = book(committed, other_resident, room, at(2, 11), at(2, 12))
    assert (asked.status, other.status) == (Status.PENDING, Status.PENDING)
    assert sms_outbox == []
    committed(booking_approve, user=operator, booking=asked)
    committed(booking_reject, user=operator, booking=other, reason="当天有维修")
    assert texts(sms_outbox) == [
        ("13800000001", f"【邻里】您预约的{WHERE}已确认，签到码 {asked.code}。"),
        (
            "13800000002",
            "【邻里】您预约的五福茶馆议事茶亭（12月2日 11:00）未通过：当天有维修",
        ),
    ]


def test_an_operators_cancel_is_texted_with_the_reason_a_residents_is_not(
    frozen, scenes, committed, owner, other_resident, operator, room, sms_outbox
):
    mine = book(committed, owner, room)
    theirs = book(committed, other_resident, room, at(2, 11), at(2, 12))
    sms_outbox.clear()
    committed(booking_cancel, user=operator, booking=mine, reason="临时停电")
    committed(booking_cancel, user=other_resident, booking=theirs)
    assert texts(sms_outbox) == [("13800000001", f"【邻里】您预约的{WHERE}已被场馆取消：临时停电")]


def test_the_reminder_is_due_at_18_00_local_the_day_before(frozen, scenes, committed, owner, room):
    thursday = book(committed, owner, room, at(3, 10), at(3, 11))
    assert notifications.reminder_at(thursday) == at(2, 18)
    tonight = book(committed, owner, room, at(1, 19), at(1, 20))
    assert notifications.reminder_at(tonight) is None  # 18:00 yesterday has passed
    tomorrow = book(committed, owner, room, at(2, 10), at(2, 11))
    assert notifications.reminder_at(tomorrow) == at(1, 18)


def test_a_deferring_backend_schedules_the_reminder(frozen, scenes, committed, owner, room):
    with override_settings(TASKS=DUMMY):
        booking = book(committed, owner, room, at(3, 10), at(3, 11))
        queued = [(r.args, r.task.run_after) for r in task_backends["default"].results]
    assert queued == [
        ([booking.pk, "confirmed", 0], None),
        ([booking.pk, "reminder", 0], at(2, 18)),
    ]


def test_the_reminder_task_sends_once(frozen, scenes, committed, owner, room, sms_outbox):
    booking = book(committed, owner, room, at(3, 10), at(3, 11))
    sms_outbox.clear()
    frozen.move_to(at(2, 18))
    assert tasks.send_booking_notice.call(booking.pk, "reminder") == "sent"
    assert tasks.send_booking_notice.call(booking.pk, "reminder") == "stale"
    assert texts(sms_outbox) == [
        (
            "13800000001",
            f"【邻里】提醒：明天 12月3日 10:00 在五福茶馆议事茶亭有您的预约，签到码 {booking.code}。",
        )
    ]
    assert Booking.objects.get(pk=booking.pk).reminded_at == at(2, 18)


def test_a_no_show_is_texted(frozen, scenes, committed, owner, room, sms_outbox):
    booking = book(committed, owner, room)
    sms_outbox.clear()
    frozen.move_to(at(2, 10, 15))
    committed(record_lapsed, venue=booking.venue, now=at(2, 10, 15))
    assert texts(sms_outbox) == [
        (
            "13800000001",
            f"【邻里】您预约的{WHERE}未签到，已记为未到场。不能来时请提前取消，把时段让给邻居。",
        )
    ]


def test_stale_notices_are_not_sent(frozen, scenes, committed, owner, operator, room, sms_outbox):
    booking = book(committed, owner, room, at(3, 10), at(3, 11))
    committed(booking_cancel, user=owner, booking=booking)
    sms_outbox.clear()
    frozen.move_to(at(2, 18))
    for kind in ("confirmed", "reminder", "rejected", "no_show"):
        assert tasks.send_booking_notice.call(booking.pk, kind) == "stale"
    assert tasks.send_booking_notice.call(0, "confirmed") == "skipped"
    assert sms_outbox == []


def test_a_failing_sms_backend_is_retried_and_the_booking_stays(
    frozen, scenes, committed, owner, room, monkeypatch, sms_outbox
):
    def down(phone, message):
        raise ConnectionError("SMS gateway down")

    monkeypatch.setattr(sms, "send", down)
    with override_settings(TASKS=DUMMY):
        booking = book(committed, owner, room, at(3, 10), at(3, 11))
        backend = task_backends["default"]
        backend.clear()
        assert tasks.send_booking_notice.call(booking.pk, "confirmed", 0) == "retrying"
        [retry] = backend.results
        assert retry.args == [booking.pk, "confirmed", 1]
        assert retry.task.run_after == at(1, 8, 1)  # a minute later
        assert retry.task.priority == tasks.DEFERRED_PRIORITY
        assert tasks.send_booking_notice.call(booking.pk, "confirmed", 4) == "failed"
        assert len(backend.results) == 1  # the last try gives up, nothing more queued
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.status, stored.starts_at, stored.people) == (Status.CONFIRMED, at(3, 10), 2)


def test_a_send_that_fails_once_is_sent_by_the_retry(
    frozen, scenes, committed, owner, room, monkeypatch, sms_outbox
):
    real, calls = sms.send, []

    def flaky(phone, message):
        calls.append(phone)
        if len(calls) == 1:
            raise ConnectionError("timeout")
        real(phone, message)

    monkeypatch.setattr(sms, "send", flaky)
    booking = book(committed, owner, room)
    assert len(calls) == 2
    assert texts(sms_outbox) == [
        ("13800000001", f"【邻里】您预约的{WHERE}已确认，签到码 {booking.code}。")
    ]
    assert Booking.objects.get(pk=booking.pk).status == Status.CONFIRMED
