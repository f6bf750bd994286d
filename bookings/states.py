"""What a booking's state is now, from what was recorded and the clock.

DOMAIN.md: a confirmed booking with no check-in when its window closes is a no-show from
that instant and its remaining time is free at once, with no scheduler. So every read
goes through ``effective_status`` (one booking) or ``holding_q`` (a query), and the
``record_no_shows`` command only writes down what is already true. A pending booking
nobody decided on before its check-in window closed lapses the same way: it is shown as
rejected ("运营方未及时审核") and stops holding its slot.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Q

from bookings.models import Booking, Status

# What can happen next from each recorded state (the state machine, in one place).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.CONFIRMED, Status.REJECTED, Status.CANCELLED}),
    Status.CONFIRMED: frozenset({Status.CANCELLED, Status.CHECKED_IN, Status.NO_SHOW}),
    Status.CHECKED_IN: frozenset({Status.COMPLETED}),
    Status.REJECTED: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.COMPLETED: frozenset(),
    Status.NO_SHOW: frozenset(),
}


def effective_status(booking: Booking, now: dt.datetime) -> str:
    status = booking.status
    if status == Status.CONFIRMED and now >= booking.checkin_closes_at:
        return Status.NO_SHOW
    if status == Status.PENDING and now >= booking.checkin_closes_at:
        return Status.REJECTED
    if status == Status.CHECKED_IN and now >= booking.ends_at:
        return Status.COMPLETED
    return status


def holding_q(now: dt.datetime, prefix: str = "") -> Q:
    """The bookings that hold their slot at ``now``."""
    p = prefix
    return Q(**{f"{p}status": Status.CHECKED_IN}) | Q(
        **{f"{p}status__in": (Status.PENDING, Status.CONFIRMED), f"{p}checkin_closes_at__gt": now}
    )


def holding_sql(now: dt.datetime, *, column) -> tuple[str, list]:
    """``holding_q`` as an SQL condition and its parameters, for the one read too hot to
    compile it through the ORM each time (the availability's busy spans; compiling cost
    more than the rest of the request). ``column(name)`` gives a quoted column.
    tests/bookings/test_states.py checks that both select the same bookings."""
    status, closes = column("status"), column("checkin_closes_at")
    return (
        f"({status} = %s OR ({status} IN (%s, %s) AND {closes} > %s))",
        [
            Status.CHECKED_IN.value,
            Status.PENDING.value,
            Status.CONFIRMED.value,
            connection.ops.adapt_datetimefield_value(now),
        ],
    )


def lapsed_q(now: dt.datetime) -> Q:
    """Recorded as holding, no longer holding: a no-show or an undecided request whose
    check-in window has closed (what ``record_lapsed`` writes down)."""
    return Q(status__in=(Status.PENDING, Status.CONFIRMED), checkin_closes_at__lte=now)


# DOMAIN.md's "bookings that were confirmed" (metrics: utilisation, show rate): confirmed
# at some point, whatever followed. A confirmed row whose window closed is a no-show on
# read (``effective_status``) and is included either way; pending, rejected and
# cancelled ones are not.
WERE_CONFIRMED = (Status.CONFIRMED, Status.CHECKED_IN, Status.COMPLETED, Status.NO_SHOW)


def were_confirmed_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": WERE_CONFIRMED})


def is_active(booking: Booking, now: dt.datetime) -> bool:
    """Counts against the per-resident limit: pending or confirmed and not ended."""
    return effective_status(booking, now) in (Status.PENDING, Status.CONFIRMED)
