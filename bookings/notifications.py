"""What a resident is told about their booking, by SMS, from background tasks.

``queue(booking, kind)`` is called by services inside their transaction; the task exists
only once the transaction commits (enqueued on commit, or with the database queue as rows
of that very transaction), so a rolled-back write never sends, and a failed send never
touches the booking (bookings.tasks retries it).

Kinds: confirmed, rejected, cancelled (by an operator, with the reason), reminder (the
day before, 18:00 local), no_show (recorded).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from linli.dates import month_day_time

KINDS = ("confirmed", "rejected", "cancelled", "series_cancelled", "reminder", "no_show")
REMINDER_HOUR = 18


def queue(booking, kind: str) -> None:
    assert kind in KINDS, kind
    booking_id = booking.pk
    # A group's series books up to 26 weeks of dates at once and the organiser has just
    # seen them all on the page: one text per date would flood their phone. Each date
    # still gets its reminder; an operator's later approval of one is still texted.
    series_booked = booking.series_id is not None and booking.decided_at is None
    notices = []
    if not (kind == "confirmed" and series_booked):
        notices.append((kind, None))
    if kind == "confirmed":
        at = reminder_at(booking)
        if at is not None:
            notices.append(("reminder", at))
    if notices:
        _when_committed(lambda: _enqueue(booking_id, notices))


def _when_committed(enqueue) -> None:
    """Enqueue once the surrounding transaction commits. Tasks kept in this database
    (django-tasks-db, what `make run` uses) are enqueued inside it instead: their rows
    commit or roll back with the write itself, so the same holds (nothing is sent for a
    rolled-back write), nothing is lost if the process dies just after the commit, and a
    booking takes SQLite's write lock once rather than twice."""
    from django_tasks_db.backend import DatabaseBackend

    from bookings import tasks

    backend = tasks.send_booking_notice.get_backend()
    if isinstance(backend, DatabaseBackend) and transaction.get_connection().in_atomic_block:
        enqueue()
    else:
        transaction.on_commit(enqueue)


def _enqueue(booking_id: int, notices: list) -> None:
    from bookings import tasks

    # A notice and its reminder in one transaction (the write's own, or one commit
    # instead of two after it).
    with transaction.atomic(savepoint=False):
        tasks.enqueue_notices(booking_id, notices)


def queue_text(booking, kind: str) -> None:
    """Send ``kind``'s text as it reads now, for a booking that will not outlive the
    transaction (its room is being deleted), so the task cannot read it later."""
    from bookings import tasks

    assert kind in KINDS, kind
    resident = booking.resident
    if resident is None or not resident.phone:
        return
    phone, message = resident.phone, text(booking, kind)
    transaction.on_commit(lambda: tasks.send_text.enqueue(phone, message, 0))


def reminder_at(booking) -> dt.datetime | None:
    """18:00 local the day before it starts; None when that has passed by now (booked
    for today or tomorrow evening: the confirmation is reminder enough)."""
    from django.utils import timezone

    zone = booking.venue.zone
    day_before = booking.starts_at.astimezone(zone).date() - dt.timedelta(days=1)
    at = dt.datetime.combine(day_before, dt.time(REMINDER_HOUR), tzinfo=zone)
    return at if at > timezone.now() else None


def text(booking, kind: str) -> str:
    """The SMS for ``booking``; residents read Chinese (the language of the sign-in SMS)."""
    with translation.override("zh-hans"):
        values = {
            "venue": booking.venue.name,
            "room": booking.room.name,
            "when": month_day_time(booking.starts_at.astimezone(booking.venue.zone)),
            "code": booking.code,
            "reason": booking.reason or _("未说明"),
            "count": _series_cancelled_count(booking) if kind == "series_cancelled" else 0,
        }
        messages = {
            "confirmed": _(
                "【邻里】您预约的%(venue)s%(room)s（%(when)s）已确认，签到码 %(code)s。"
            ),
            "rejected": _("【邻里】您预约的%(venue)s%(room)s（%(when)s）未通过：%(reason)s"),
            "cancelled": _("【邻里】您预约的%(venue)s%(room)s（%(when)s）已被场馆取消：%(reason)s"),
            # One text for the dates of a weekly series an operator cancels at once.
            "series_cancelled": _(
                "【邻里】您在%(venue)s%(room)s的每周预约（%(when)s 起共 %(count)s 次）"
                "已被场馆取消：%(reason)s"
            ),
            "reminder": _(
                "【邻里】提醒：明天 %(when)s 在%(venue)s%(room)s有您的预约，签到码 %(code)s。"
            ),
            "no_show": _(
                "【邻里】您预约的%(venue)s%(room)s（%(when)s）未签到，已记为未到场。"
                "不能来时请提前取消，把时段让给邻居。"
            ),
        }
        return messages[kind] % values


def _series_cancelled_count(booking) -> int:
    """The dates of ``booking``'s series cancelled by the venue with the same reason, from
    this one on: what one "series_cancelled" text stands for."""
    return booking.series.bookings.filter(
        status="cancelled",
        cancelled_by_operator=True,
        reason=booking.reason,
        starts_at__gte=booking.starts_at,
    ).count()
