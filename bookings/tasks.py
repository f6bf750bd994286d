"""Background work for bookings on Django's task framework (the django-tasks backport;
django-tasks-db stores the queue in the app's own database, so SQLite needs no extra
server and PostgreSQL can run many ``db_worker`` processes).

A send that fails is enqueued again with a growing delay (1, 5, 30 minutes, 2 hours);
the booking was committed before anything was sent, so a failure never loses it. With a
backend that cannot defer (the immediate backend tests use) the retry runs at once.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from accounts import sms
from linli.rows import insert
from linli.tasks import task

logger = logging.getLogger(__name__)

RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
)


# Deferred work (reminders, retries) is queued below the default priority 0. The worker
# claims the ready task first in (priority DESC, run_after ASC) order, and django-tasks-db
# stores "now" as the largest date: at equal priority every pending reminder (one per
# upcoming booking) sorts before a fresh confirmation, and each claim walked past all of
# them (2.6 ms with 9,000 pending on SQLite, more than the booking itself cost).
DEFERRED_PRIORITY = -10


def _deferred(job, at: dt.datetime):
    return job.using(run_after=at, priority=DEFERRED_PRIORITY)


def enqueue_notice(booking_id: int, kind: str, *, at: dt.datetime | None = None, attempt=0):
    job = send_booking_notice
    if at is not None and job.get_backend().supports_defer:
        job = _deferred(job, at)
    elif at is not None:
        return None  # an immediate backend would send a reminder now: skip it
    return job.enqueue(booking_id, kind, attempt)


def enqueue_notices(booking_id: int, notices: list[tuple[str, dt.datetime | None]]) -> None:
    """``enqueue_notice`` for each (kind, at) of one booking. With the database queue the
    rows are inserted by hand in one statement (linli.rows; a booking queues its
    confirmation and its reminder, and two ``Task.enqueue`` calls cost more than the
    booking's own insert):
    the very rows ``Task.enqueue`` writes (tests/bookings/test_notifications.py compares
    them); the enqueued signal is sent for each as the backend sends it."""
    from django_tasks_db import DatabaseBackend

    job = send_booking_notice
    backend = job.get_backend()
    if not isinstance(backend, DatabaseBackend):
        for kind, at in notices:
            enqueue_notice(booking_id, kind, at=at)
        return
    from django_tasks.signals import task_enqueued
    from django_tasks_db.models import DBTaskResult, get_date_max

    backend.validate_task(job)
    rows = [
        DBTaskResult(
            args_kwargs={"args": [booking_id, kind, 0], "kwargs": {}},
            priority=job.priority if at is None else DEFERRED_PRIORITY,
            task_path=job.module_path,
            queue_name=job.queue_name,
            run_after=at or get_date_max(),  # what the backend's pre_save gives "now"
            backend_name=backend.alias,
        )
        for kind, at in notices
    ]
    insert(*rows)  # one statement; run_after set above, as the model's pre_save would
    for row in rows:
        task_enqueued.send(type(backend), task_result=row.task_result)


def _still_true(booking, kind: str) -> bool:
    """A notice queued earlier is sent only if it is still true (a reminder for a booking
    cancelled since, or a confirmation of one rejected since, stays unsent)."""
    from bookings.models import Status
    from bookings.states import effective_status

    now = timezone.now()
    state = effective_status(booking, now)
    if kind == "reminder":
        return state == Status.CONFIRMED and booking.reminded_at is None
    expected = {
        "confirmed": (Status.CONFIRMED, Status.CHECKED_IN),
        "rejected": (Status.REJECTED,),
        "cancelled": (Status.CANCELLED,),
        "series_cancelled": (Status.CANCELLED,),
        "no_show": (Status.NO_SHOW,),
    }[kind]
    return state in expected or booking.status in expected


def _retry(job, args: tuple, attempt: int, what: str) -> str:
    """Enqueue ``job(*args, attempt + 1)`` after the next delay, or give up."""
    if attempt >= len(RETRY_DELAYS):
        logger.exception("%s not sent after %s tries", what, attempt + 1)
        return "failed"
    logger.warning("%s failed, retrying", what, exc_info=True)
    if job.get_backend().supports_defer:
        job = _deferred(job, timezone.now() + RETRY_DELAYS[attempt])
    job.enqueue(*args, attempt + 1)
    return "retrying"


@task()
def send_text(phone: str, message: str, attempt: int = 0) -> str:
    """A text composed when it was queued (bookings.notifications.queue_text)."""
    try:
        sms.send(phone, message)
    except Exception:
        return _retry(send_text, (phone, message), attempt, "booking text")
    return "sent"


@task()
def send_booking_notice(booking_id: int, kind: str, attempt: int = 0) -> str:
    from bookings.models import Booking
    from bookings.notifications import text

    booking = (
        Booking.objects.select_related("venue", "room", "resident").filter(pk=booking_id).first()
    )
    if booking is None or booking.resident is None or not booking.resident.phone:
        return "skipped"
    if not _still_true(booking, kind):
        return "stale"
    try:
        sms.send(booking.resident.phone, text(booking, kind))
    except Exception:
        what = f"booking {booking_id}: {kind} notice"
        return _retry(send_booking_notice, (booking_id, kind), attempt, what)
    if kind == "reminder":
        Booking.objects.filter(pk=booking_id).update(reminded_at=timezone.now())
    return "sent"
